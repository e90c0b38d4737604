"""How far two sets of marks for the same sessions agree: the grader against a course lead, or two course leads.

numpy, scipy and scikit-learn are imported inside the functions: the CLI starts without them and only the
review commands pay for them. Point figures come from scikit-learn and scipy; the bootstrap intervals use
vectorised numpy forms of the same statistics (tests/test_agreement.py checks they agree), because calling
scikit-learn 2000 times per figure takes seconds.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from numpy.typing import NDArray

MIN_ITEMS = 10
# Below this, correlations, kappas, ICC and intervals are undefined or pure noise: they are left out (None).
_MIN_FOR_STATS = 3
_EPS = 1e-12

Interval = tuple[float, float]


def _plain(value: Any) -> Any:
    """JSON-ready: floats to 3 places, tuples to lists."""
    if isinstance(value, float):
        return round(value, 3)
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


@dataclass(frozen=True)
class BlandAltman:
    mean_difference: float  # a - b on average
    sd: float | None  # of the differences
    limits: Interval | None  # mean_difference ± 1.96 sd: where 95% of single-session differences fall
    points: list[tuple[float, float]]  # (mean of the pair, a - b), one per session

    def to_dict(self) -> dict[str, Any]:
        return _plain(asdict(self))


@dataclass(frozen=True)
class OrdinalAgreement:
    n: int
    exact: float  # share of sessions with the same mark
    within_one: float  # share within one point
    qwk: float | None  # quadratic weighted kappa
    icc: float | None  # ICC(2,1): absolute agreement, so a rater who is always one point higher is penalised
    spearman: float | None  # do they rank sessions alike, whatever their level
    leniency: float  # mean of a - b: positive means a marks higher (a "dove")
    ci: dict[str, Interval | None]  # bootstrap 95% percentile intervals, by figure name
    enough: bool
    message: str | None
    bland_altman: BlandAltman

    def to_dict(self) -> dict[str, Any]:
        return _plain(asdict(self))


@dataclass(frozen=True)
class BinaryAgreement:
    n: int
    accuracy: float
    kappa: float | None  # Cohen's, unweighted
    f1: float | None  # b as the reference, True as positive
    prevalence_a: float  # share True
    prevalence_b: float
    ci: dict[str, Interval | None]
    enough: bool
    message: str | None

    def to_dict(self) -> dict[str, Any]:
        return _plain(asdict(self))


@dataclass(frozen=True)
class CategoricalAgreement:
    n: int
    accuracy: float
    confusion: list[list[int]]  # rows: a's label, columns: b's label, both in `labels` order
    labels: list[str]
    kappa: float | None
    enough: bool
    message: str | None

    def to_dict(self) -> dict[str, Any]:
        return _plain(asdict(self))


def _check_pairs(a: Sequence[Any], b: Sequence[Any]) -> int:
    if len(a) != len(b):
        raise ValueError(f"the two sets of marks differ in length ({len(a)} and {len(b)}): each session needs a mark from both")
    if not a:
        raise ValueError("no sessions to compare: both sets of marks are empty")
    return len(a)


def _shortfall(n: int) -> str | None:
    if n >= MIN_ITEMS:
        return None
    sessions = "session" if n == 1 else "sessions"
    return f"only {n} {sessions} marked by both: too few for these figures to mean much (at least {MIN_ITEMS} needed)"


def _safe_ratio(num: NDArray[Any], den: NDArray[Any]) -> NDArray[Any]:
    """num / den, NaN where den is (near) zero: the statistic is undefined there, and numpy must not warn."""
    import numpy as np

    ok = den > _EPS
    return np.where(ok, num / np.where(ok, den, 1.0), np.nan)


# Vectorised statistics: each takes (resamples, n) arrays and gives one value per resample (NaN if undefined).


def _qwk_batch(x: NDArray[Any], y: NDArray[Any]) -> NDArray[Any]:
    # With weights (i - j)^2, 1 - observed/expected disagreement reduces to 2 cov / (var x + var y + (mean x - mean y)^2).
    mx, my = x.mean(-1), y.mean(-1)
    cov = ((x - mx[..., None]) * (y - my[..., None])).mean(-1)
    return _safe_ratio(2 * cov, x.var(-1) + y.var(-1) + (mx - my) ** 2)


def _pearson_batch(x: NDArray[Any], y: NDArray[Any]) -> NDArray[Any]:
    import numpy as np

    xc, yc = x - x.mean(-1)[..., None], y - y.mean(-1)[..., None]
    return _safe_ratio((xc * yc).sum(-1), np.sqrt((xc**2).sum(-1) * (yc**2).sum(-1)))


def _spearman_batch(x: NDArray[Any], y: NDArray[Any]) -> NDArray[Any]:
    from scipy.stats import rankdata

    # Pearson on average ranks, as scipy.stats.spearmanr does with ties.
    return _pearson_batch(rankdata(x, axis=-1), rankdata(y, axis=-1))


def _icc_values(x: NDArray[Any], form: str) -> NDArray[Any]:
    """ICC of (..., n, k) tables from the two-way ANOVA mean squares (Shrout & Fleiss 1979; McGraw & Wong 1996)."""
    n, k = x.shape[-2], x.shape[-1]
    grand = x.mean(axis=(-2, -1), keepdims=True)
    rows = x.mean(axis=-1, keepdims=True)
    cols = x.mean(axis=-2, keepdims=True)
    msr = k * ((rows - grand) ** 2).sum(axis=(-2, -1)) / (n - 1)  # between sessions
    msc = n * ((cols - grand) ** 2).sum(axis=(-2, -1)) / (k - 1)  # between raters
    # residuals computed directly, not as total minus the rest: identical raters then give exactly 0, not 1e-16
    mse = ((x - rows - cols + grand) ** 2).sum(axis=(-2, -1)) / ((n - 1) * (k - 1))
    if form == "1,1":  # one-way: rater differences count as error
        msw = (msc * (k - 1) + mse * (n - 1) * (k - 1)) / (n * (k - 1))
        return _safe_ratio(msr - msw, msr + (k - 1) * msw)
    if form == "3,1":  # consistency: a rater's constant offset is forgiven
        return _safe_ratio(msr - mse, msr + (k - 1) * mse)
    # 2,1, absolute agreement: a rater's constant offset counts against agreement
    return _safe_ratio(msr - mse, msr + (k - 1) * mse + k * (msc - mse) / n)


def _icc(matrix: Any, form: str) -> float | None:
    import numpy as np

    x = np.asarray(matrix, dtype=float)
    if x.ndim != 2 or x.shape[0] < 2 or x.shape[1] < 2:
        raise ValueError(f"an ICC needs a sessions x raters table with at least 2 of each, not shape {x.shape}")
    if not np.isfinite(x).all():
        raise ValueError("an ICC needs every cell of the table marked")
    with np.errstate(all="ignore"):
        value = float(_icc_values(x, form))
    return value if math.isfinite(value) else None


def icc_2_1(matrix: Any) -> float | None:
    """ICC(2,1) = McGraw & Wong ICC(A,1): two-way random effects, absolute agreement, single rater."""
    return _icc(matrix, "2,1")


def icc_3_1(matrix: Any) -> float | None:
    """ICC(3,1) = McGraw & Wong ICC(C,1): two-way mixed effects, consistency, single rater."""
    return _icc(matrix, "3,1")


def icc_1_1(matrix: Any) -> float | None:
    """ICC(1,1): one-way random effects, single rater."""
    return _icc(matrix, "1,1")


def _bootstrap(
    statistics: Callable[[NDArray[Any]], dict[str, NDArray[Any]]], n: int, points: dict[str, float | None], seed: int, resamples: int
) -> dict[str, Interval | None]:
    """Percentile 95% intervals from resampling sessions (pairs kept together); undefined resamples are skipped."""
    import numpy as np

    intervals: dict[str, Interval | None] = dict.fromkeys(points)
    if n < _MIN_FOR_STATS or resamples < 1:
        return intervals
    index = np.random.default_rng(seed).integers(0, n, size=(resamples, n))
    with np.errstate(all="ignore"):
        values = statistics(index)
    for name, point in points.items():
        finite = values[name][np.isfinite(values[name])]
        if point is not None and finite.size:
            low, high = np.percentile(finite, [2.5, 97.5])
            intervals[name] = (float(low), float(high))
    return intervals


def ordinal_agreement(a: Sequence[int], b: Sequence[int], *, low: int = 1, high: int = 5, seed: int = 0, resamples: int = 2000) -> OrdinalAgreement:
    """Agreement of two raters' marks on a low..high scale, session by session."""
    import numpy as np
    from scipy.stats import spearmanr
    from sklearn.metrics import cohen_kappa_score

    n = _check_pairs(a, b)
    if low >= high:
        raise ValueError(f"the scale must run from a lower to a higher mark, not {low} to {high}")
    for mark in (*a, *b):
        if isinstance(mark, bool) or not isinstance(mark, (int, np.integer)) or not low <= mark <= high:
            raise ValueError(f"mark {mark!r} is not a whole number on the scale {low} to {high}")
    x, y = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    diff = x - y
    leniency = float(diff.mean())
    qwk = icc = rho = sd = None
    if n >= _MIN_FOR_STATS:
        if np.ptp(x) or np.ptp(y) or x[0] != y[0]:  # kappa is 0/0 only when both give the same single mark
            # labels: the whole scale, so a rater who uses one mark does not shrink the weights
            qwk = float(cohen_kappa_score(a, b, weights="quadratic", labels=list(range(low, high + 1))))
        icc = icc_2_1(np.column_stack([x, y]))
        if np.ptp(x) and np.ptp(y):  # a constant rater ranks nothing
            rho = float(spearmanr(x, y).statistic)
        sd = float(diff.std(ddof=1))

    def statistics(index: NDArray[Any]) -> dict[str, NDArray[Any]]:
        xs, ys = x[index], y[index]
        ds = xs - ys
        return {
            "exact": (ds == 0).mean(-1),
            "within_one": (np.abs(ds) <= 1).mean(-1),
            "qwk": _qwk_batch(xs, ys),
            "icc": _icc_values(np.stack([xs, ys], axis=-1), "2,1"),
            "spearman": _spearman_batch(xs, ys),
            "leniency": ds.mean(-1),
        }

    exact, within_one = float(np.mean(diff == 0)), float(np.mean(np.abs(diff) <= 1))
    points = {"exact": exact, "within_one": within_one, "qwk": qwk, "icc": icc, "spearman": rho, "leniency": leniency}
    bland_altman = BlandAltman(
        mean_difference=leniency,
        sd=sd,
        limits=None if sd is None else (leniency - 1.96 * sd, leniency + 1.96 * sd),
        points=[(float(m), float(d)) for m, d in zip((x + y) / 2, diff)],
    )
    return OrdinalAgreement(
        n=n,
        exact=exact,
        within_one=within_one,
        qwk=qwk,
        icc=icc,
        spearman=rho,
        leniency=leniency,
        ci=_bootstrap(statistics, n, points, seed, resamples),
        enough=n >= MIN_ITEMS,
        message=_shortfall(n),
        bland_altman=bland_altman,
    )


def _binary_batch(xs: NDArray[Any], ys: NDArray[Any]) -> dict[str, NDArray[Any]]:
    po, pa, pb = (xs == ys).mean(-1), xs.mean(-1), ys.mean(-1)
    pe = pa * pb + (1 - pa) * (1 - pb)  # chance agreement from each rater's own rate
    tp, fp, fn = (xs & ys).sum(-1), (xs & ~ys).sum(-1), (~xs & ys).sum(-1)
    return {"accuracy": po, "kappa": _safe_ratio(po - pe, 1 - pe), "f1": _safe_ratio(2.0 * tp, 2.0 * tp + fp + fn)}


def binary_agreement(a: Sequence[bool], b: Sequence[bool], *, seed: int = 0, resamples: int = 2000) -> BinaryAgreement:
    """Agreement on yes/no judgements (was the criterion met?); b is the reference for F1."""
    import numpy as np
    from sklearn.metrics import cohen_kappa_score, f1_score

    n = _check_pairs(a, b)
    for mark in (*a, *b):
        if mark not in (True, False) or isinstance(mark, float):
            raise ValueError(f"judgement {mark!r} is not true or false")
    x, y = np.asarray(a, dtype=bool), np.asarray(b, dtype=bool)
    kappa = f1 = None
    if n >= _MIN_FOR_STATS:
        if not (x.all() and y.all() or not x.any() and not y.any()):  # chance agreement 1: kappa is 0/0
            kappa = float(cohen_kappa_score(x, y, labels=[False, True]))
        if x.any() or y.any():
            f1 = float(f1_score(y, x, pos_label=True))
    accuracy = float(np.mean(x == y))
    points = {"accuracy": accuracy, "kappa": kappa, "f1": f1}
    return BinaryAgreement(
        n=n,
        accuracy=accuracy,
        kappa=kappa,
        f1=f1,
        prevalence_a=float(x.mean()),
        prevalence_b=float(y.mean()),
        ci=_bootstrap(lambda index: _binary_batch(x[index], y[index]), n, points, seed, resamples),
        enough=n >= MIN_ITEMS,
        message=_shortfall(n),
    )


def categorical_agreement(a: Sequence[str], b: Sequence[str], labels: Sequence[str]) -> CategoricalAgreement:
    """Agreement on unordered categories (e.g. which stage a consultation reached); unweighted kappa."""
    import numpy as np
    from sklearn.metrics import cohen_kappa_score, confusion_matrix

    n = _check_pairs(a, b)
    labels = list(labels)
    if not labels or len(set(labels)) != len(labels):
        raise ValueError("the labels must be given, each once")
    unknown = sorted({*a, *b} - set(labels), key=str)
    if unknown:
        raise ValueError(f"marks not among the labels: {', '.join(map(str, unknown))}")
    kappa = None
    if n >= _MIN_FOR_STATS and len({*a, *b}) > 1:  # one label used by both: chance agreement 1, kappa 0/0
        kappa = float(cohen_kappa_score(list(a), list(b), labels=labels))
    return CategoricalAgreement(
        n=n,
        accuracy=float(np.mean([p == q for p, q in zip(a, b)])),
        confusion=confusion_matrix(list(a), list(b), labels=labels).tolist(),
        labels=labels,
        kappa=kappa,
        enough=n >= MIN_ITEMS,
        message=_shortfall(n),
    )
