"""Review tools for course leads: how the grader's marks compare with theirs."""
