"""The grader against whole-consultation ratings of consultations it did not write: per-criterion
agreement on benchmarks/turnset/gold_sessions.jsonl (PriMock57 and ACI-Bench mock consultations, and the
written consultations), for this grader and the first wave's, in the same run.

    python benchmarks/bench_grader_labels.py [--split test|dev|train|fit] [--calibrate] [--json]
    python benchmarks/bench_grader_labels.py --judges rules,llm,hybrid --weights qwen [--sources written] [--limit N] [--n-ctx 16384] [--keep DIR [--kept-only]]

- Kalamazoo tasks: exact and within-one agreement, quadratic-weighted kappa; by source too.
- Self-management criteria: accuracy (a null rating counts as right when the grader says not
  applicable or not enough evidence), and on real consultations alone.
- Co-production level: accuracy.
- `--judges`: the rules, the model judge (`llm`: the model's marks) and `hybrid` (the model's view when it is
  shown the rules' results; the grade a user sees in hybrid mode is the rules'), side by side on the same
  consultations, against the real llama.cpp server (`--weights`) or any OpenAI-compatible one (`--base-url`);
  with the evidence each cites (clinician turns per graded criterion) and its disagreements with the rules.
`--calibrate` searches each Kalamazoo task's thresholds (points to a 1-5 mark) for the best
quadratic-weighted kappa on train + dev and prints them, for rubrics/kalamazoo.yaml; `test` is reported,
never searched.
"""

from __future__ import annotations

import argparse
import itertools
import json
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from benchmarks.baselines import FIRST_WAVE  # noqa: E402
from benchmarks.turnset.agreement import weighted_kappa  # noqa: E402
from simulator.analysis import TurnReader  # noqa: E402
from simulator.rubric.conversation import Conversation  # noqa: E402
from simulator.rubric.grader import RulesJudge  # noqa: E402
from simulator.rubric.report import KALAMAZOO_TASKS, SELF_MANAGEMENT  # noqa: E402

TURNSET = REPO / "benchmarks" / "turnset"
CANDIDATES = [x / 4 for x in range(-8, 25)]  # thresholds searched, in points
MIN_GAP = 0.75  # the narrowest band of points a mark may have


def rated(splits: set[str]) -> list[tuple[dict, list[tuple[str, str]]]]:
    consultations = {c["id"]: c for c in map(json.loads, (TURNSET / "consultations.jsonl").read_text(encoding="utf-8").splitlines())}
    out = []
    for line in (TURNSET / "gold_sessions.jsonl").read_text(encoding="utf-8").splitlines():
        rating = json.loads(line)
        if rating["split"] in splits:
            turns = [(t["speaker"], t["text"]) for t in consultations[rating["consultation"]]["turns"]]
            out.append((rating, turns))
    return out


def split_names(split: str) -> set[str]:
    return {"train", "dev"} if split == "fit" else {split}


def grade_all(items: list[tuple[dict, list[tuple[str, str]]]], judge=None, keep: Path | None = None) -> list[dict]:
    """Each consultation graded by `judge` (the rules if None); with a model judge, the model's own marks (in
    hybrid mode, its view beside the rules') and what it cited. With `keep`, a model judge's marks for each
    consultation are saved there as they come and read back on the next run, so a long run can be resumed."""
    judge, reader = judge or RulesJudge(), TurnReader()
    out = []
    for number, (rating, turns) in enumerate(items, 1):
        kept = keep / f"{judge.name}-{rating['consultation'].replace('/', '--')}.json" if keep else None
        if kept and kept.is_file() and judge.name in ("llm", "hybrid"):
            out.append(json.loads(kept.read_text(encoding="utf-8")))
            print(f"  {judge.name} {number}/{len(items)} {rating['consultation']}: kept from {kept}", file=sys.stderr, flush=True)
            continue
        conversation = Conversation.build(rating["consultation"], turns, reader)
        conversation.detect_plans()
        report = judge.grade(conversation)
        if judge.name in ("llm", "hybrid"):
            out.append(model_marks(report, len(conversation.clinician)))
            if kept and not out[-1]["ungraded"]:  # an ungraded criterion is tried again next run
                kept.write_text(json.dumps(out[-1]), encoding="utf-8")
            why = sorted(set(report.extra.get("llm", {}).get("ungraded", {}).values()))  # why, where the model gave no mark
            print(f"  {judge.name} {number}/{len(items)} {rating['consultation']}: {out[-1]['ungraded']} ungraded {why or ''}", file=sys.stderr, flush=True)
            continue
        out.append({
            # the turns each criterion's evidence cites (the indicators that add points)
            "evidence": {r.id: sorted({e.turn for e in r.evidence if e.points > 0}) for g in (report.kalamazoo, report.self_management) for r in g.values()},
            "kalamazoo": {k: report.kalamazoo[k].value for k in KALAMAZOO_TASKS},
            "points": {k: report.kalamazoo[k].points for k in KALAMAZOO_TASKS},
            "self_management": {
                k: (report.self_management[k].value if report.self_management[k].status in ("met", "not_met") else None) for k in SELF_MANAGEMENT
            },
            "coproduction_level": report.coproduction_level,
        })
    return out


def model_marks(report, clinician_turns: int) -> dict:
    """The model's marks from a model or hybrid grade, with the evidence it cited and where it differed."""
    hybrid = report.judge == "hybrid"
    opinions = {}
    for group in (report.kalamazoo, report.self_management):
        for cid, result in group.items():
            if hybrid:
                opinions[cid] = result.second_opinion or {"value": None, "status": "ungraded", "evidence": []}
            else:
                opinions[cid] = {"value": result.value, "status": result.status, "evidence": [e.turn for e in result.evidence if e.indicator == "llm"]}
    level = report.coproduction.get("llm", {}).get("value") if hybrid else report.coproduction_level
    graded = [o for o in opinions.values() if o["status"] != "ungraded"]
    return {
        "evidence": {k: list(o.get("evidence") or []) for k, o in opinions.items()},
        "kalamazoo": {k: opinions[k]["value"] if opinions[k]["status"] == "scored" else None for k in KALAMAZOO_TASKS},
        "self_management": {k: opinions[k]["value"] if opinions[k]["status"] in ("met", "not_met") else None for k in SELF_MANAGEMENT},
        "coproduction_level": level,
        "ungraded": len(opinions) - len(graded),
        "cited": [len(o.get("evidence") or []) for o in graded],
        "clinician_turns": clinician_turns,
        "disagreements": len(report.extra.get("llm", {}).get("disagreements", {})),
    }


def model_judge(mode: str, base_url: str, model: str):
    from simulator.llm.settings import LLMSettings
    from simulator.rubric.llm_judge import LLMJudge

    return LLMJudge(LLMSettings(backend="openai", model=model, base_url=base_url, timeout=900, retry_budget=1800, reply_budget=1800, temperature=0), mode=mode)


def model_alias(args: argparse.Namespace) -> str:
    """The name the model's marks are kept under: --model, else the local weights' alias."""
    if args.model or args.base_url:
        return args.model or "none"
    from benchmarks.llama_server import MODEL_ALIAS
    from benchmarks.qwen_model import ALIAS

    return ALIAS if args.weights == "qwen" else MODEL_ALIAS


def compare_judges(args: argparse.Namespace) -> int:
    """Rules, model and hybrid on the same consultations, side by side."""
    from contextlib import nullcontext

    from benchmarks.llama_server import llama_server

    items = rated(split_names(args.split))
    if args.sources:
        items = [i for i in items if i[0]["source"] in args.sources.split(",")]
    items = items[: args.limit or None]
    modes = args.judges.split(",")
    if args.kept_only:  # the consultations every model mode has kept marks for, read back with no server
        kept = Path(args.keep) / model_alias(args)
        items = [i for i in items if all((kept / f"{m}-{i[0]['consultation'].replace('/', '--')}.json").is_file() for m in modes if m != "rules")]
    local = not args.base_url and not args.kept_only and set(modes) - {"rules"}
    server = llama_server(model_name=args.weights, n_ctx=args.n_ctx) if local else nullcontext((args.base_url, model_alias(args)))
    results = {}
    with server as (base_url, model):
        for mode in modes:
            keep = Path(args.keep) / f"{model}" if args.keep else None
            if keep:
                keep.mkdir(parents=True, exist_ok=True)
            graded = grade_all(items) if mode == "rules" else grade_all(items, model_judge(mode, base_url, model), keep)
            results[mode] = agreement(items, graded)
            results[mode]["evidence"] = evidence_precision(items, graded)
            if mode != "rules":
                cited = [c for g in graded for c in g["cited"]]
                turns = sum(g["clinician_turns"] for g in graded) / len(graded)
                results[mode]["model"] = {
                    "ungraded": sum(g["ungraded"] for g in graded), "mean_turns_cited": sum(cited) / max(1, len(cited)),
                    "mean_clinician_turns": turns, "disagreements_with_rules": sum(g["disagreements"] for g in graded),
                }
    if args.json:
        print(json.dumps(results, indent=1))
        return 0
    print(f"Rules, model and hybrid judges, {args.split} split ({len(items)} consultations; model {model})")
    for mode, result in results.items():
        print(f"\n{mode}")
        show("all", result)
        e = result["evidence"]
        print(f"    evidence: {e['cited']} turns cited, {e['precision']:.2f} of them labelled with a code of the criterion "
              f"(gold turn labels; a turn drawn at random {e['chance']:.2f}); {e['criteria_with_evidence']} of {e['criteria_met']} "
              "criteria met or scored 3+ cite a turn")
        if "model" in result:
            m = result["model"]
            print(f"    ungraded {m['ungraded']}; turns cited per graded criterion {m['mean_turns_cited']:.1f} "
                  f"of {m['mean_clinician_turns']:.0f} clinician turns; disagreements with the rules {m['disagreements_with_rules']}")
    return 0


def criterion_codes() -> dict[str, set[str]]:
    """Per criterion, the reader codes its point-adding indicators look for (rubrics/*.yaml `when: {codes: [...]}`)."""
    from simulator.rubric.model import load_shipped_rubrics

    def codes_in(when: object) -> set[str]:
        if isinstance(when, dict):
            return set(when.get("codes", [])) | {c for v in when.values() for c in codes_in(v)}
        if isinstance(when, list):
            return {c for v in when for c in codes_in(v)}
        return set()

    return {c.id: {code for i in c.indicators if i.points > 0 for code in codes_in(i.when)} for r in load_shipped_rubrics() for c in r.criteria}


def evidence_precision(items: list[tuple[dict, list]], graded: list[dict]) -> dict:
    """How far the cited turns show the behaviour: the share of cited clinician turns that the gold turn labels
    (benchmarks/turnset/gold.jsonl) give a code the criterion looks for, over criteria that have such codes; and how
    many criteria met (or Kalamazoo tasks scored 3 or more) cite any turn at all."""
    gold: dict[str, dict[int, set[str]]] = {}
    for line in (TURNSET / "gold.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        consultation, _, index = row["id"].rpartition("#")
        gold.setdefault(consultation, {})[int(index)] = {c["code"] for c in row["codes"]}
    wanted = criterion_codes()
    cited = right = met = with_evidence = drawn = drawn_right = 0
    for (rating, _), g in zip(items, graded):
        labels = gold.get(rating["consultation"])
        for codes in (c for cid, c in wanted.items() if c and cid in g.get("evidence", {})) if labels else ():
            drawn += len(labels)  # what citing a labelled clinician turn at random would score
            drawn_right += sum(bool(turn_codes & codes) for turn_codes in labels.values())
        for cid, turns in g.get("evidence", {}).items():
            value = {**g["kalamazoo"], **g["self_management"]}.get(cid)
            if value is True or (isinstance(value, int) and not isinstance(value, bool) and value >= 3):
                met += 1
                with_evidence += bool(turns)
            if labels is None or not wanted.get(cid):
                continue
            cited += len(turns)
            right += sum(bool(labels.get(t, set()) & wanted[cid]) for t in turns)
    return {
        "cited": cited, "precision": right / cited if cited else 0.0, "chance": drawn_right / drawn if drawn else 0.0,
        "criteria_met": met, "criteria_with_evidence": with_evidence,
    }


_FIRST_WAVE_RUNNER = """
import json, sys
sys.path.insert(0, sys.argv[1])
from simulator.rubric import grade_transcript_text
out = []
for line in sys.stdin:
    turns = json.loads(line)
    text = "\\n".join(("Doctor: " if s == "clinician" else "Patient: ") + " ".join(t.split()) for s, t in turns)
    r = grade_transcript_text(text)
    out.append({"kalamazoo": {k: r.kalamazoo[k].value for k in r.kalamazoo},
                "self_management": {k: (v.value if v.status in ("met", "not_met") else None) for k, v in r.self_management.items()},
                "coproduction_level": r.coproduction_level})
json.dump(out, sys.stdout)
"""


def grade_first_wave(items: list[tuple[dict, list[tuple[str, str]]]]) -> list[dict]:
    with tempfile.TemporaryDirectory() as folder:
        archive = Path(folder) / "first-wave.tar"
        subprocess.run(["git", "-C", str(REPO), "archive", "-o", str(archive), FIRST_WAVE, "simulator", "rubrics"], check=True)
        with tarfile.open(archive) as tar:
            tar.extractall(folder, filter="data")
        feed = "".join(json.dumps(turns) + "\n" for _, turns in items)
        done = subprocess.run([sys.executable, "-c", _FIRST_WAVE_RUNNER, folder], input=feed, capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def agreement(items: list[tuple[dict, list]], graded: list[dict], only: set[str] | None = None) -> dict:
    pairs = [(r, g) for (r, _), g in zip(items, graded) if only is None or r["source"] in only]
    out: dict = {"consultations": len(pairs), "kalamazoo": {}, "self_management": {}}
    if not pairs:
        return out
    for task in KALAMAZOO_TASKS:
        human = [r["kalamazoo"][task] for r, _ in pairs]
        machine = [g["kalamazoo"][task] or 3 for _, g in pairs]  # no mark (ungraded, not enough evidence): the middle
        out["kalamazoo"][task] = {
            "exact": sum(h == m for h, m in zip(human, machine)) / len(pairs),
            "within_one": sum(abs(h - m) <= 1 for h, m in zip(human, machine)) / len(pairs),
            "qwk": weighted_kappa(human, machine),
        }
    all_h = [r["kalamazoo"][t] for r, _ in pairs for t in KALAMAZOO_TASKS]
    all_m = [g["kalamazoo"][t] or 3 for _, g in pairs for t in KALAMAZOO_TASKS]
    out["kalamazoo_all"] = {"within_one": sum(abs(h - m) <= 1 for h, m in zip(all_h, all_m)) / len(all_h), "qwk": weighted_kappa(all_h, all_m)}
    right = total = 0
    for criterion in SELF_MANAGEMENT:
        ok = [r["self_management"][criterion] == g["self_management"].get(criterion) for r, g in pairs]
        out["self_management"][criterion] = sum(ok) / len(ok)
        right, total = right + sum(ok), total + len(ok)
    out["self_management_all"] = right / total
    out["coproduction_level"] = sum(r["coproduction_level"] == (g["coproduction_level"] or "descriptive") for r, g in pairs) / len(pairs)
    return out


def calibrate(items: list[tuple[dict, list]], graded: list[dict]) -> dict[str, list[float]]:
    best = {}
    for task in KALAMAZOO_TASKS:
        human = [r["kalamazoo"][task] for r, _ in items]
        points = [g["points"][task] for g in graded]
        top = (-2.0, [])
        for cut in itertools.combinations(CANDIDATES, 4):
            if min(b - a for a, b in zip(cut, cut[1:])) < MIN_GAP:
                continue  # each mark needs a band of its own, not a sliver between two others
            machine = [1 + sum(p >= c for c in cut) for p in points]
            score = (weighted_kappa(human, machine) or 0) + 0.5 * sum(abs(h - m) <= 1 for h, m in zip(human, machine)) / len(human)
            if score > top[0]:
                top = (score, list(cut))
        best[task] = top[1]
    return best


def show(name: str, result: dict) -> None:
    if not result["consultations"]:
        return
    print(f"  {name}: {result['consultations']} consultations")
    for task, row in result["kalamazoo"].items():
        qwk = "   -" if row["qwk"] is None else f"{row['qwk']:.2f}"
        print(f"    {task:24} exact {row['exact']:.2f}  within one {row['within_one']:.2f}  QWK {qwk}")
    k = result["kalamazoo_all"]
    print(f"    {'all tasks':24} within one {k['within_one']:.2f}  QWK {k['qwk']:.2f}")
    print(f"    self-management accuracy {result['self_management_all']:.2f} (" + ", ".join(f"{c} {v:.2f}" for c, v in result["self_management"].items()) + ")")
    print(f"    co-production level accuracy {result['coproduction_level']:.2f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", default="test", choices=("test", "dev", "train", "fit"), help="fit = train + dev")
    parser.add_argument("--calibrate", action="store_true")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--no-first-wave", action="store_true")
    parser.add_argument("--judges", default="", help="compare these judges: rules,llm,hybrid")
    parser.add_argument("--weights", choices=("gemma", "qwen"), default="qwen", help="the local model to start for --judges")
    parser.add_argument("--base-url", help="an OpenAI-compatible server for --judges instead of a local one")
    parser.add_argument("--model")
    parser.add_argument("--sources", default="", help="only these sources (primock57,aci-bench,written)")
    parser.add_argument("--limit", type=int, default=0, help="at most this many consultations")
    parser.add_argument("--keep", help="a folder to keep each consultation's model marks in, and resume from")
    parser.add_argument("--kept-only", action="store_true", help="with --keep: report the consultations already kept, starting no server")
    parser.add_argument("--n-ctx", type=int, default=4096, help="the local server's context in tokens (real consultations: 16384)")
    args = parser.parse_args()
    if args.judges:
        return compare_judges(args)
    if args.calibrate:
        items = rated({"train", "dev"})
        thresholds = calibrate(items, grade_all(items))
        print(json.dumps(thresholds))
        return 0
    items = rated(split_names(args.split))
    graders = {"this grader": grade_all(items)}
    if not args.no_first_wave:
        graders["first wave"] = grade_first_wave(items)
    real = {"primock57", "aci-bench"}
    results = {
        name: {"all": agreement(items, g), "real consultations": agreement(items, g, real), "written": agreement(items, g, {"written"})}
        for name, g in graders.items()
    }
    if args.json:
        print(json.dumps(results, indent=1))
        return 0
    print(f"Whole-consultation ratings, {args.split} split ({len(items)} consultations)")
    for name, parts in results.items():
        print(f"\n{name}")
        for part, result in parts.items():
            show(part, result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
