"""Agreement statistics for course leads (simulator/review/agreement.py), checked against published worked
examples first, then against properties that a wrong sign or a wrong formula would break."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest
from scipy.stats import spearmanr
from sklearn.metrics import cohen_kappa_score, f1_score

from simulator.review import agreement
from simulator.review.agreement import (
    MIN_ITEMS,
    binary_agreement,
    categorical_agreement,
    icc_1_1,
    icc_2_1,
    icc_3_1,
    ordinal_agreement,
)


def expand(table: dict[tuple[str, str], int]) -> tuple[list[str], list[str]]:
    """A contingency table {(a's label, b's label): count} as two paired lists."""
    a: list[str] = []
    b: list[str] = []
    for (p, q), count in table.items():
        a += [p] * count
        b += [q] * count
    return a, b


# --- published worked examples ---------------------------------------------------------------------------

# Shrout & Fleiss (1979), "Intraclass correlations: uses in assessing rater reliability", Psychological
# Bulletin 86(2):420-428, Table 2: six targets rated by four judges; Table 4 gives ICC(1,1) = .17,
# ICC(2,1) = .29, ICC(3,1) = .71.
SHROUT_FLEISS = [[9, 2, 5, 8], [6, 1, 3, 2], [8, 4, 6, 8], [7, 1, 2, 6], [10, 5, 6, 9], [6, 2, 4, 7]]


def test_icc_matches_shrout_and_fleiss_table_2() -> None:
    assert round(icc_1_1(SHROUT_FLEISS) or 0, 2) == 0.17
    assert round(icc_2_1(SHROUT_FLEISS) or 0, 2) == 0.29
    assert round(icc_3_1(SHROUT_FLEISS) or 0, 2) == 0.71


def test_quadratic_kappa_matches_r_metrics_example() -> None:
    # R package Metrics, ?ScoreQuadraticWeightedKappa, example and its printed output (rdrr.io/cran/Metrics):
    # ScoreQuadraticWeightedKappa(c(1, 4, 5, 5, 2, 1), c(2, 2, 4, 5, 3, 3), 1, 5)  ->  [1] 0.56
    result = ordinal_agreement([1, 4, 5, 5, 2, 1], [2, 2, 4, 5, 3, 3], low=1, high=5)
    assert result.qwk == pytest.approx(0.56, abs=5e-3)


@pytest.mark.parametrize(
    ("b", "published"),
    [([8, 8, 6, 6, 7, 6, 1, 4, 8], 0.758620689655172), ([3, 5, 6, 6, 7, 6, 1, 4, 8], 0.438095238095238)],
)
def test_quadratic_kappa_matches_maple_essaytools_examples(b: list[int], published: float) -> None:
    # Maple help, EssayTools[QuadraticWeightedKappa], Examples 1 and 2 (Min and Max taken from the data: 1 and 10)
    result = ordinal_agreement([9, 7, 8, 7, 6, 8, 3, 5, 10], b, low=1, high=10)
    assert result.qwk == pytest.approx(published, abs=1e-12)


def test_unweighted_kappa_matches_cohen_1968_table() -> None:
    # Cohen (1968), Psychological Bulletin 70:213-220, proportions for 200 cases as given in R psych's
    # ?cohen.kappa example ("#cohen reports .492 and .348"; .492 is the unweighted kappa).
    labels = ["personality disorder", "neurosis", "psychosis"]
    counts = [[88, 14, 18], [10, 40, 10], [2, 6, 12]]
    a, b = expand({(labels[i], labels[j]): counts[i][j] for i in range(3) for j in range(3)})
    result = categorical_agreement(a, b, labels)
    assert round(result.kappa or 0, 3) == 0.492
    assert result.confusion == counts  # rows a, columns b
    assert result.accuracy == pytest.approx(0.70)
    assert result.n == 200 and result.enough and result.message is None


def test_binary_kappa_matches_wikipedia_grant_proposals() -> None:
    # Wikipedia, "Cohen's kappa", worked example: 50 grant proposals, readers A and B; yes/yes 20, A yes B no 5,
    # A no B yes 10, no/no 15; p_o = 0.70, p_e = 0.50, kappa = 0.40.
    a, b = expand({("y", "y"): 20, ("y", "n"): 5, ("n", "y"): 10, ("n", "n"): 15})
    result = binary_agreement([p == "y" for p in a], [q == "y" for q in b])
    assert result.accuracy == pytest.approx(0.70)
    assert result.kappa == pytest.approx(0.40)
    assert (result.prevalence_a, result.prevalence_b) == (pytest.approx(0.5), pytest.approx(0.6))
    # b is the reference: tp 20, fp 5 (A yes, B no), fn 10, so F1 = 40 / 55 (by hand)
    assert result.f1 == pytest.approx(40 / 55)


def test_spearman_matches_wikipedia_iq_and_television() -> None:
    # Wikipedia, "Spearman's rank correlation coefficient", example: IQ against hours of TV a week,
    # sum of d^2 = 194, rho = 1 - 6 * 194 / (10 * 99) = -29/165 = -0.175757...
    iq = [106, 86, 100, 101, 99, 103, 97, 113, 112, 110]
    tv = [7, 0, 27, 50, 28, 29, 20, 12, 6, 17]
    assert ordinal_agreement(iq, tv, low=0, high=113).spearman == pytest.approx(-29 / 165)


def test_spearman_with_ties_by_hand() -> None:
    # a ranks 1, 2.5, 2.5, 4, 5; b ranks 1, 2, 3, 4.5, 4.5; both centred on 3: cross products sum to 9 and
    # squares to 9.5 each, so Pearson on the ranks is 9 / 9.5 (by hand)
    result = ordinal_agreement([1, 2, 2, 3, 4], [1, 2, 3, 5, 5])
    assert result.spearman == pytest.approx(9 / 9.5)


def test_bland_altman_by_hand() -> None:
    result = ordinal_agreement([3, 4, 5, 2], [2, 4, 3, 2])  # differences 1, 0, 2, 0: mean 0.75, sd sqrt(11/12)
    ba = result.bland_altman
    sd = (((1 - 0.75) ** 2 + 0.75**2 + 1.25**2 + 0.75**2) / 3) ** 0.5
    assert ba.mean_difference == pytest.approx(0.75) and ba.sd == pytest.approx(sd)
    assert ba.limits == (pytest.approx(0.75 - 1.96 * sd), pytest.approx(0.75 + 1.96 * sd))
    assert ba.points == [(2.5, 1.0), (4.0, 0.0), (4.0, 2.0), (2.0, 0.0)]


# --- the bootstrap's numpy forms are the library's statistics ----------------------------------------------


@pytest.mark.parametrize("seed", range(5))
def test_bootstrap_forms_agree_with_the_libraries(seed: int) -> None:
    rng = np.random.default_rng(seed)
    a = rng.integers(1, 6, size=(20, 15))
    b = np.clip(a + rng.integers(-2, 3, size=a.shape), 1, 5)
    qwk = agreement._qwk_batch(a.astype(float), b.astype(float))
    rho = agreement._spearman_batch(a.astype(float), b.astype(float))
    icc = agreement._icc_values(np.stack([a, b], axis=-1).astype(float), "2,1")
    binary = agreement._binary_batch(a >= 3, b >= 4)
    for i in range(len(a)):
        assert qwk[i] == pytest.approx(cohen_kappa_score(a[i], b[i], weights="quadratic", labels=[1, 2, 3, 4, 5]))
        assert rho[i] == pytest.approx(spearmanr(a[i], b[i]).statistic)
        assert icc[i] == pytest.approx(icc_2_1(np.column_stack([a[i], b[i]])))
        assert binary["kappa"][i] == pytest.approx(cohen_kappa_score(a[i] >= 3, b[i] >= 4))
        assert binary["f1"][i] == pytest.approx(f1_score(b[i] >= 4, a[i] >= 3))


# --- properties ----------------------------------------------------------------------------------------------

GRADER = [3, 4, 2, 5, 3, 4, 1, 2, 4, 3, 5, 2, 3, 4, 3, 2, 4, 5, 3, 1, 2, 4, 3, 3, 4, 2, 5, 4, 3, 2]
LEAD = [3, 2, 3, 4, 3, 5, 2, 2, 4, 2, 5, 2, 4, 4, 3, 1, 4, 4, 3, 2, 2, 5, 3, 2, 4, 3, 5, 4, 2, 2]


def test_identical_marks_agree_perfectly() -> None:
    result = ordinal_agreement(GRADER, GRADER)
    assert (result.exact, result.within_one, result.leniency) == (1.0, 1.0, 0.0)
    assert result.qwk == pytest.approx(1.0) and result.icc == pytest.approx(1.0) and result.spearman == pytest.approx(1.0)


def test_a_rater_always_one_higher_is_a_dove() -> None:
    low = [min(m, 4) for m in GRADER]
    high = [m + 1 for m in low]
    result = ordinal_agreement(high, low)
    assert (result.exact, result.within_one) == (0.0, 1.0)
    assert result.leniency == pytest.approx(1.0)  # positive: `a` (the first) marks higher
    assert result.spearman == pytest.approx(1.0)
    assert result.icc is not None and result.icc < 1.0  # absolute agreement counts the offset
    assert icc_3_1(np.column_stack([high, low])) == pytest.approx(1.0)  # consistency forgives it


def test_swapping_raters_flips_leniency_only() -> None:
    ab, ba = ordinal_agreement(GRADER, LEAD), ordinal_agreement(LEAD, GRADER)
    assert ab.leniency == pytest.approx(-ba.leniency) and ab.leniency != 0
    assert ab.bland_altman.mean_difference == pytest.approx(-ba.bland_altman.mean_difference)
    assert (ab.qwk, ab.icc, ab.spearman, ab.exact) == (pytest.approx(ba.qwk), pytest.approx(ba.icc), pytest.approx(ba.spearman), ba.exact)


def test_intervals_hold_the_estimate_and_repeat_with_the_seed() -> None:
    result = ordinal_agreement(GRADER, LEAD, seed=7)
    for name in ("exact", "within_one", "qwk", "icc", "spearman", "leniency"):
        interval = result.ci[name]
        assert interval is not None, name
        assert interval[0] <= getattr(result, name) <= interval[1], name
        assert interval[0] < interval[1], name
    assert ordinal_agreement(GRADER, LEAD, seed=7).ci == result.ci
    assert ordinal_agreement(GRADER, LEAD, seed=8).ci != result.ci
    binary = binary_agreement([m >= 3 for m in GRADER], [m >= 3 for m in LEAD], seed=7)
    for name in ("accuracy", "kappa", "f1"):
        interval = binary.ci[name]
        assert interval is not None and interval[0] <= getattr(binary, name) <= interval[1], name
    assert binary_agreement([m >= 3 for m in GRADER], [m >= 3 for m in LEAD], seed=7).ci == binary.ci


def test_too_few_sessions_says_so() -> None:
    result = ordinal_agreement(GRADER[:6], LEAD[:6])
    assert not result.enough
    assert result.message == "only 6 sessions marked by both: too few for these figures to mean much (at least 10 needed)"
    full = ordinal_agreement(GRADER[:MIN_ITEMS], LEAD[:MIN_ITEMS])
    assert full.enough and full.message is None
    assert not binary_agreement([True] * 4, [False] * 4).enough
    assert categorical_agreement(["x"], ["x"], ["x", "y"]).message == (
        "only 1 session marked by both: too few for these figures to mean much (at least 10 needed)"
    )


@pytest.mark.filterwarnings("error")
@pytest.mark.parametrize("n", [1, 2, 3, 12])
def test_constant_and_tiny_inputs_neither_crash_nor_warn(n: int) -> None:
    same = ordinal_agreement([3] * n, [3] * n)
    assert same.qwk is None and same.icc is None and same.spearman is None and same.exact == 1.0
    one_constant = ordinal_agreement([3] * n, ([2, 4] * n)[:n])
    assert one_constant.spearman is None
    if n >= 3:
        assert one_constant.qwk == pytest.approx(0.0)
    nobody_says_yes = binary_agreement([False] * n, [False] * n)
    assert nobody_says_yes.kappa is None and nobody_says_yes.f1 is None and nobody_says_yes.accuracy == 1.0
    assert binary_agreement([True] * n, [True] * n).kappa is None
    assert categorical_agreement(["x"] * n, ["x"] * n, ["x", "y"]).kappa is None
    if n <= 2:
        tiny = ordinal_agreement(GRADER[:n], LEAD[:n])
        assert tiny.qwk is None and tiny.icc is None and tiny.bland_altman.sd is None
        assert all(interval is None for interval in tiny.ci.values())
        assert not tiny.enough
    json.dumps(same.to_dict())


def test_bad_input_is_refused_plainly() -> None:
    with pytest.raises(ValueError, match="differ in length"):
        ordinal_agreement([1, 2, 3], [1, 2])
    with pytest.raises(ValueError, match="empty"):
        binary_agreement([], [])
    with pytest.raises(ValueError, match="scale 1 to 5"):
        ordinal_agreement([1, 6], [1, 2])
    with pytest.raises(ValueError, match="not among the labels"):
        categorical_agreement(["x", "z"], ["x", "x"], ["x", "y"])
    with pytest.raises(ValueError, match="true or false"):
        binary_agreement(["yes"], [True])  # type: ignore[list-item]
    with pytest.raises(ValueError, match="at least 2"):
        icc_2_1([[1, 2]])


def test_to_dict_is_json_ready_and_rounded() -> None:
    data = ordinal_agreement(GRADER, LEAD).to_dict()
    assert json.loads(json.dumps(data)) == data
    assert data["qwk"] == round(data["qwk"], 3)
    assert isinstance(data["ci"]["qwk"], list) and isinstance(data["bland_altman"]["points"][0], list)
    assert data["bland_altman"]["limits"][0] < 0 < data["bland_altman"]["limits"][1]
    binary = binary_agreement([m >= 3 for m in GRADER], [m >= 3 for m in LEAD]).to_dict()
    assert set(binary) >= {"n", "accuracy", "kappa", "f1", "prevalence_a", "prevalence_b", "ci", "enough", "message"}
    assert json.loads(json.dumps(binary)) == binary


def test_importing_the_module_does_not_load_the_numeric_libraries() -> None:
    code = "import sys, simulator.review.agreement; assert not any(m in sys.modules for m in ('numpy', 'scipy', 'sklearn'))"
    subprocess.run([sys.executable, "-c", code], check=True)
