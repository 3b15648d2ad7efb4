"""Training and cross-validating the line model on line-labelled pages.

A page is a JSON object with ``lines`` (the page dumped one block per line)
and ``labels`` (1 content, 0 furniture, -1 unsure: left out), plus whatever
tells its site (``site``; else the domain in a DAniEL ``id`` such as
``20111101_www.express.gr_...``; else the ``url``'s domain), ``source`` and
``lang`` for the scores. Lines are normalised as the cleaner normalises them.

Hyper-parameters and the threshold are chosen by cross-validation grouped by
site: a site's furniture repeats across its pages, so pages of one site never
sit on both sides of a split.

>>> pages = [{"id": "a", "site": "x.fr", "lines": ["Accueil", "Un texte."], "labels": [0, 1]}]
>>> read_page(pages[0])["group"]
'x.fr'
"""

from __future__ import annotations

import gzip
import inspect
import json
import logging
import os
import random
import re
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import numpy as np

from ..errors import InputError, UsageError
from ..io import has_lone_surrogate, json_line
from .comments import Comments
from .dedup import Deduplicate
from .features import CONTEXT, FEATURES, context_features, line_keys
from .linemodel import LineModel, TreeModel
from .normalise import normalise

log = logging.getLogger("stance")

THRESHOLDS = tuple(round(t, 2) for t in np.arange(0.2, 0.71, 0.05))
TIE = 0.001  # cleaner scores this close count as equal
FLOOR = 0.05  # the lowest threshold the search tries


def site_of(page: dict) -> str:
    """The site a page comes from (``www.`` left out)."""
    host = page.get("site") or ""
    if not host and page.get("source") == "daniel" and "_" in str(page.get("id", "")):
        host = str(page["id"]).split("_")[1]
    if not host and page.get("url"):
        host = urlparse(page["url"]).netloc
    return re.sub(r"^www\d*\.", "", host.lower()) or str(page.get("id", ""))


def read_page(page: dict, source: str | None = None) -> dict:
    """A page as the line model sees it: lines normalised (empty ones left out, labels alike),
    then those the comment step and deduplication leave (they run before it in the cleaner),
    and its ``group``. ``page_lines`` / ``page_labels`` keep the whole page, for scoring;
    ``model_lines`` are the indices of the model's lines in it. A page that is not
    ``{"lines": [str], "labels": [1, 0 or -1]}`` is an :class:`InputError` (``source``: where it is)."""
    expected = 'expected a page {"lines": [str, ...], "labels": [1, 0 or -1 per line]} (stance train-cleaner --help)'
    if not (isinstance(page, dict) and isinstance(page.get("lines"), list) and isinstance(page.get("labels"), list)):
        raise InputError(f"not a line-labelled page; {expected}", source)
    if not all(isinstance(line, str) for line in page["lines"]):
        raise InputError(f"page {page.get('id')!r}: a line that is not a string; {expected}", source)
    if not all(label in (1, 0, -1) and not isinstance(label, bool) for label in page["labels"]):
        wrong = next(label for label in page["labels"] if label not in (1, 0, -1) or isinstance(label, bool))
        raise InputError(f"page {page.get('id')!r}: label {wrong!r}; {expected}", source)
    for key in ("id", "site", "url", "source"):  # what names a page and its site (grouping, cards)
        value = page.get(key)
        if value is not None and not (isinstance(value, str) or (key == "id" and isinstance(value, int)
                                                                 and not isinstance(value, bool))):
            raise InputError(f"page {page.get('id')!r}: {key!r} is {type(value).__name__} ({value!r:.40}); expected "
                             f"a string or none; {expected}", source)
    if any(has_lone_surrogate(line) for line in page["lines"]):
        raise InputError(f"page {page.get('id')!r}: a line holds a lone surrogate (an escape such as \\ud800 that is "
                         "no Unicode character); repair or drop this page", source)
    if len(page["lines"]) != len(page["labels"]):
        raise InputError(
            f"page {page.get('id')!r}: {len(page['lines'])} lines but {len(page['labels'])} labels; "
            "give one label (1, 0 or -1) per line", source
        )
    lines, labels = [], []
    for line, label in zip(page["lines"], page["labels"], strict=True):
        line = normalise(line).replace("\n", " ")
        if line:
            lines.append(line)
            labels.append(int(label))
    kept = list(range(len(lines)))
    for step in (Comments(), Deduplicate()):
        drops = step.find([lines[i] for i in kept])
        kept = [index for position, index in enumerate(kept) if position not in drops]
    return {
        **page, "lines": [lines[i] for i in kept], "labels": [labels[i] for i in kept], "group": site_of(page),
        "page_lines": lines, "page_labels": labels, "model_lines": kept,
    }  # fmt: skip


def read_pages(paths: Iterable[str | Path]) -> list[dict]:
    """Pages from ``.jsonl`` / ``.jsonl.gz`` files, or from every such file in the folders given."""
    files: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            files += sorted(p for p in path.iterdir() if p.name.endswith((".jsonl", ".jsonl.gz")))
        elif path.is_file():
            files.append(path)
        else:
            raise InputError(f"no pages at {path}: expected a .jsonl(.gz) file of line-labelled pages or a folder of "
                             "them")
    pages = []
    for file in files:
        opener: Callable[..., Any] = gzip.open if file.name.endswith(".gz") else open
        number = 0
        try:
            with opener(file, "rt", encoding="utf-8") as handle:
                for number, line in enumerate(handle, start=1):
                    if line.strip():
                        page = read_page(json_line(line, f"{file}:{number}", "expected one page per line"),
                                         f"{file}:{number}")
                        if page["lines"]:
                            pages.append(page)
        except json.JSONDecodeError as error:
            raise InputError(f"malformed JSON ({error.msg} at column {error.colno}); expected one page per line",
                             f"{file}:{number}") from None
        except (UnicodeDecodeError, OSError, EOFError) as error:
            raise InputError(f"cannot be read ({error}); expected a UTF-8 .jsonl(.gz) file of pages",
                             f"{file}:{number + 1}" if isinstance(error, UnicodeDecodeError) else str(file)) from None
    if not pages:
        raise InputError(f"no labelled pages found in {', '.join(map(str, files)) or 'the paths given'}; expected "
                         ".jsonl(.gz) files of line-labelled pages")
    return pages


def foreign_to_line_model(folder: Path, names: set[str]) -> str | None:
    """What a folder holds that saving a line model there would overwrite or mix with (None: a line model,
    its card, or nothing), for :func:`~stance.io.check_artefact_folder`."""
    others = sorted(names - {"model.json", "README.md"})
    if others or "model.json" not in names:
        return f"files that are no line model ({', '.join(others[:3] or sorted(names))})"
    try:
        spec = json.loads((folder / "model.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        spec = None
    if not (isinstance(spec, dict) and "trees" in spec and "threshold" in spec):
        return "a model.json that is no line model of `stance train-cleaner`"
    return None


def check_labelled(pages: Sequence[dict]) -> None:
    """Refuse pages a line model cannot learn from: it learns content from furniture, so it needs lines
    labelled 1 (content) and lines labelled 0 (furniture); -1 (unsure) lines are not learnt from.

    >>> check_labelled([{"labels": [1, 1, -1]}])
    Traceback (most recent call last):
    stance.errors.InputError: the pages hold 2 content lines (label 1) and no furniture line (label 0); ...
    """
    counts = Counter(label for page in pages for label in page["labels"])
    if counts[1] == 0 or counts[0] == 0:
        raise InputError(
            f"the pages hold {counts[1] or 'no'} content line{'s' * (counts[1] > 1)} (label 1) and "
            f"{counts[0] or 'no'} furniture line{'s' * (counts[0] > 1)} (label 0); a line model learns one from "
            "the other, so it needs both (unsure lines, -1, are not learnt from): add pages with the missing kind"
        )


def page_features(
    pages: Sequence[dict], batch_share: float = 0.5, seed: int = 0, augment: bool = True
) -> tuple[list[np.ndarray], list[np.ndarray], list[int], list[np.ndarray]]:
    """Training features of pages as the cleaner computes them, and the pages' own features in batch.

    Each page is seen alone or with all the pages as its batch (a share
    ``batch_share`` in batch, drawn with ``seed``), so that the model works both
    ways. With ``augment``, each page also comes as the cleaner sees it on a
    rerun: its content and unsure lines with a random share (up to 30 %) of its
    furniture that no rule drops, so that the model keeps what it kept (the
    cleaner reruns it until it drops nothing).

    Returns the training matrices, their labels, the index of the page each
    comes from, and the pages' features in batch (for scoring).
    """
    step = LineModel(model=_NO_MODEL)
    corpus: Counter[str] = Counter()
    for page in pages:
        corpus.update(set(line_keys(page["lines"])))
    rng = random.Random(seed)
    X: list[np.ndarray] = []
    y: list[np.ndarray] = []
    origin: list[int] = []
    batched: list[np.ndarray] = []
    for index, page in enumerate(pages):
        lines = page["lines"]
        labels = np.asarray(page["labels"])
        reasons = step.rules(lines)
        step.corpus, step.batch = corpus, len(pages)
        batched.append(step.features(lines, reasons))
        in_batch = rng.random() < batch_share
        if not in_batch:
            step.corpus, step.batch = None, 1
        X.append(batched[-1] if in_batch else step.features(lines, reasons))
        y.append(labels)
        origin.append(index)
        if augment:
            share = rng.random() * 0.3
            kept = [i for i, label in enumerate(labels) if i not in reasons and (label != 0 or rng.random() < share)]
            if kept and len(kept) < len(lines):
                sub = [lines[i] for i in kept]
                X.append(step.features(sub, step.rules(sub)))
                y.append(labels[kept])
                origin.append(index)
    step.corpus, step.batch = None, 1
    return X, y, origin, batched


def fit_trees(
    X: Sequence[np.ndarray],
    labels: Sequence[Sequence[int]],
    *,
    weights: Sequence[float] | None = None,
    iterations: int = 150,
    learning_rate: float = 0.1,
    leaves: int = 31,
    max_depth: int | None = 8,
    furniture_keep: float = 0.5,
    seed: int = 0,
) -> Any:
    """Fit the trees on pages' features and labels (-1 lines left out).

    Furniture lines, the bulk of any page, are subsampled to ``furniture_keep``
    and weighted back up, which halves training time; ``weights`` weighs whole pages.
    """
    from sklearn.ensemble import HistGradientBoostingClassifier

    rng = np.random.default_rng(seed)
    xs, ys, ws = [], [], []
    for index, (x, y) in enumerate(zip(X, labels, strict=True)):
        y = np.asarray(y)
        keep = (y == 1) | ((y == 0) & (rng.random(len(y)) < furniture_keep))
        w = np.where(y == 0, 1.0 / furniture_keep, 1.0) * (1.0 if weights is None else weights[index])
        xs.append(x[keep])
        ys.append(y[keep])
        ws.append(w[keep])
    model = HistGradientBoostingClassifier(
        max_iter=iterations, learning_rate=learning_rate, max_leaf_nodes=leaves, max_depth=max_depth,
        min_samples_leaf=40, l2_regularization=1.0, early_stopping=False, random_state=seed,
    )  # fmt: skip
    return model.fit(np.vstack(xs), np.concatenate(ys), sample_weight=np.concatenate(ws))


def snippet_counts(keep: np.ndarray, labels: Sequence[int], lines: Sequence[str], rng: random.Random, k: int = 3):
    """Scored the way trafilatura's benchmark scores extractors: up to ``k`` content and ``k``
    furniture lines of 15+ characters drawn per page, that must be kept / must go.
    Returns (kept content, dropped content, kept furniture)."""
    content = [i for i, y in enumerate(labels) if y == 1 and len(lines[i]) >= 15]
    furniture = [i for i, y in enumerate(labels) if y == 0 and len(lines[i]) >= 15]
    content = rng.sample(content, min(k, len(content)))
    furniture = rng.sample(furniture, min(k, len(furniture)))
    kept = int(sum(keep[i] for i in content))
    return kept, len(content) - kept, int(sum(keep[i] for i in furniture))


def _prf(tp: float, fp: float, fn: float) -> dict[str, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0}


def score(pages: Sequence[dict], keeps: Sequence[np.ndarray], seed: int = 1) -> dict[str, dict[str, Any]]:
    """Line-level precision/recall/F1 of content, and the snippet score, overall and by source/language."""
    rng = random.Random(seed)
    sums: dict[str, np.ndarray] = defaultdict(lambda: np.zeros(6))
    for page, model_keep in zip(pages, keeps, strict=True):
        # lines the comment step or deduplication dropped before the model count as dropped
        y = np.asarray(page["page_labels"])
        keep = np.zeros(len(y), dtype=bool)
        keep[page["model_lines"]] = model_keep
        tp = np.sum(keep & (y == 1))
        fp = np.sum(keep & (y == 0))
        fn = np.sum(~keep & (y == 1))
        kept, lost, leaked = snippet_counts(keep, page["page_labels"], page["page_lines"], rng)
        lang = page.get("lang", "und")
        source = page.get("source", "pages")
        if source == "scrapinghub" and lang != "en":
            lang = "other"
        counts = np.array([tp, fp, fn, kept, leaked, lost], dtype=float)
        for group in ("all", source, f"{source}/{lang}"):
            sums[group] += counts
    out = {}
    for group, v in sorted(sums.items()):
        out[group] = {"lines": _prf(*v[:3]), "snippets": _prf(*v[3:])}
    return out


# Boosting settings tried by :func:`select_fit`, cheapest first (cost: iterations x depth, what
# evaluating the trees on a line costs).
GRID: tuple[dict[str, Any], ...] = (
    {"iterations": 60, "max_depth": 6, "learning_rate": 0.15},
    {"iterations": 100, "max_depth": 6, "learning_rate": 0.1},
    {"iterations": 100, "max_depth": 8, "learning_rate": 0.1},
    {"iterations": 200, "max_depth": 6, "learning_rate": 0.1},
    {"iterations": 150, "max_depth": 8, "learning_rate": 0.1},
    {"iterations": 300, "max_depth": 6, "learning_rate": 0.1},
    {"iterations": 400, "max_depth": 6, "learning_rate": 0.1},
)


# The two stages' boosting settings of ``stance train-cleaner --second-stage`` (see
# :func:`fit_stages`), tried by nested cross-validation grouped by site under the speed target
# (ninth session; docs/design.md, "Cleaning"; not the shipped default).
FIRST_STAGE: dict[str, Any] = {"iterations": 100, "max_depth": 6, "learning_rate": 0.1}
SECOND_STAGE: dict[str, Any] = {"iterations": 100, "max_depth": 6, "learning_rate": 0.1}

# The rescuer of the shipped model (``stance train-cleaner``, unless --no-rescuer): a second stage with
# ``SECOND_STAGE``'s settings that learns only from the lines the first stage drops (out of fold) and
# keeps those it gives ``RESCUE_KEEP`` or more (rounds AE and AH; docs/design.md, "Cleaning").
RESCUE_KEEP = 0.5
_RULE = FEATURES.index("rule")


# How much a page in French weighs in training against one in another language (every line of
# it; `stance train-cleaner --french-weight`). The real pages hold none in French; our French pages
# were a fifteenth of them (132; 414 since round AM). Weighted 4 they gained 0.017 in cross-validation grouped by site
# (cleaner setting) and the pages of every language 0.002, but the model trained so lost 4 of the
# seeds' 205 golden lines (recall 0.980 < 0.99), so the default weighs every page alike (tenth session). The shipped
# model, since round BY, was trained with --french-weight 0.5 among its French development pages (docs/design.md,
# "Cleaning"); its card names the command.
FRENCH_WEIGHT = 1.0


def weigh_pages(pages: Sequence[dict], french: float = FRENCH_WEIGHT) -> None:
    """Give each page in French (``lang`` "fr") the training weight ``french``, the others 1.

    >>> pages = [{"lang": "fr"}, {"lang": "en"}, {}]
    >>> weigh_pages(pages, 4.0); [page["weight"] for page in pages]
    [4.0, 1.0, 1.0]
    """
    if not french > 0:
        raise InputError(f"expected a French page weight > 0 (--french-weight; default 1), got {french!r}")
    for page in pages:
        page["weight"] = float(french) if page.get("lang") == "fr" else 1.0


def fit_cost(fit: dict[str, Any]) -> int:
    """What evaluating the trees costs per line: tree levels stepped down (iterations x depth),
    :func:`fit_trees`' defaults standing for what ``fit`` leaves out."""
    defaults = inspect.signature(fit_trees).parameters
    return int(fit.get("iterations", defaults["iterations"].default)) * int(
        fit.get("max_depth") or defaults["max_depth"].default
    )


def shipped_fit() -> dict[str, Any]:
    """The boosting settings the shipped line model was trained with (chosen by :func:`select_fit`).

    >>> sorted(shipped_fit())
    ['iterations', 'learning_rate', 'max_depth']
    """
    return dict(TreeModel.default().spec.get("info", {}).get("fit", {}))


def shipped_second() -> dict[str, Any] | None:
    """The second stage's settings of the shipped line model (``None``: one stage); its rescuer's.

    >>> shipped_second() == SECOND_STAGE
    True
    """
    second = TreeModel.default().spec.get("info", {}).get("second")
    return None if second is None else dict(second)


def _rows_of(origin: Sequence[int], count: int) -> list[list[int]]:
    """The training rows of each page (:func:`page_features` gives a page one row alone or in batch,
    and one more as on a rerun)."""
    rows_of: list[list[int]] = [[] for _ in range(count)]
    for row, index in enumerate(origin):
        rows_of[index].append(row)
    return rows_of


def fit_stages(
    pages: Sequence[dict],
    features: tuple,
    page_indices: Sequence[int] | None = None,
    folds: int = 5,
    second: dict[str, Any] | None = None,
    rescue_below: float | None = None,
    **fit: Any,
) -> tuple[Any, Any]:
    """Fit the line model on the rows of the pages ``page_indices`` (default: all): the first stage
    with ``fit`` (see :func:`fit_trees`) and, when ``second`` gives its settings, the second stage.

    The second stage learns from the first stage's probabilities as the first stage gives them on
    pages it has not seen: out of fold, by an inner cross-validation of the same pages grouped by
    site (``folds`` folds, fewer when there are fewer sites), read along each row's lines by
    :func:`~stance.cleaning.features.context_features`. With ``rescue_below`` (the first stage's
    threshold) it is a rescuer: it learns only from the lines that no rule drops and to which the
    first stage gives a content probability under ``rescue_below``, the lines it will judge.
    Returns the fitted first and second stages (``None`` without a second stage), for
    :meth:`TreeModel.from_sklearn`.
    """

    X, y, origin, _ = features
    indices = list(range(len(pages))) if page_indices is None else [int(i) for i in page_indices]
    weights = [float(page.get("weight", 1.0)) for page in pages]
    rows_of = _rows_of(origin, len(pages))

    def trees_on(page_subset: Sequence[int], inputs: Sequence[np.ndarray] | None = None,
                 judged: Sequence[np.ndarray] | None = None, **setting: Any) -> Any:
        rows = [row for i in page_subset for row in rows_of[i]]
        if judged is None:
            return fit_trees(
                [X[r] if inputs is None else inputs[r] for r in rows],
                [y[r] for r in rows],
                weights=[weights[origin[r]] for r in rows],
                **setting,
            )
        labels = [np.asarray(y[r])[judged[r]] for r in rows]  # a rescuer: only the lines it will judge
        found = set(np.concatenate(labels).tolist()) - {-1} if labels else set()
        if found != {0, 1}:
            log.warning(
                "no rescuer: the lines the first stage drops out of fold hold %s, so there is nothing to learn to "
                "rescue; the line model has one stage",
                "no labelled line" if not found else "only " + ("content" if found == {1} else "furniture"),
            )
            return None
        return fit_trees([inputs[r][judged[r]] for r in rows], labels, weights=[weights[origin[r]] for r in rows],
                         **setting)

    first = trees_on(indices, **fit)
    if second is None:
        return first, None
    if "seed" in fit and "seed" not in second:  # a retrain with another draw redraws both stages
        second = {**second, "seed": fit["seed"]}
    groups = np.array([pages[i]["group"] for i in indices])
    inner_folds = min(folds, len(set(groups.tolist())))
    if inner_folds < 2:
        raise InputError(
            "the line model's second stage learns from the first stage's predictions on sites it has not "
            f"seen, so it needs pages of at least 2 sites; got {len(set(groups.tolist()))}. Add pages of "
            "other sites, or train one stage (`stance train-cleaner --no-rescuer`, without --second-stage)"
        )
    inputs: list[np.ndarray] = [np.zeros(0)] * len(X)
    judged: list[np.ndarray] = [np.zeros(0, dtype=bool)] * len(X)
    for r, p in inner_first_stage(pages, features, indices, inner_folds, **fit).items():
        inputs[r] = np.hstack((X[r], context_features(p, X[r])))
        if rescue_below is not None:
            judged[r] = (p < rescue_below) & (X[r][:, _RULE] == 0)
    return first, trees_on(indices, inputs, judged if rescue_below is not None else None, **second)


def inner_first_stage(pages: Sequence[dict], features: tuple, indices: Sequence[int], folds: int,
                      **fit: Any) -> dict[int, np.ndarray]:
    """The first stage's content probabilities (``fit``'s settings) of every training row of the pages
    ``indices``, each from a model fitted without its site: ``folds`` folds of those pages grouped by
    site. What a second stage of :func:`fit_stages` learns from."""
    from sklearn.model_selection import GroupKFold

    X, y, origin, _ = features
    weights = [float(page.get("weight", 1.0)) for page in pages]
    rows_of = _rows_of(origin, len(pages))
    groups = np.array([pages[i]["group"] for i in indices])
    out: dict[int, np.ndarray] = {}
    for inner_train, inner_test in GroupKFold(folds).split(np.zeros(len(indices)), groups=groups):
        rows = [row for i in inner_train for row in rows_of[indices[i]]]
        trees = fit_trees([X[r] for r in rows], [y[r] for r in rows], weights=[weights[origin[r]] for r in rows],
                          **fit)
        inner = TreeModel.from_sklearn(trees, 0.5)
        for i in inner_test:
            for r in rows_of[indices[i]]:
                out[r] = inner.first_stage(X[r])
    return out


def out_of_fold(
    pages: Sequence[dict],
    features: tuple,
    folds: int = 5,
    log: Callable[[str], None] = print,
    second: dict[str, Any] | None = None,
    rescue_below: float | None = None,
    **fit: Any,
) -> dict[str, Any]:
    """Grouped (by site) cross-validation: each page's content probabilities from the model of the
    fold that left its site out, alone and in batch, with the fold models (two stages when
    ``second`` gives the second stage's settings, the second a rescuer with ``rescue_below``: see
    :func:`fit_stages`)."""
    from sklearn.model_selection import GroupKFold

    _, _, _, batched = features
    groups = np.array([page["group"] for page in pages])
    alone_p: list[np.ndarray] = [np.zeros(0)] * len(pages)
    batch_p: list[np.ndarray] = [np.zeros(0)] * len(pages)
    first_p: list[np.ndarray] = [np.zeros(0)] * len(pages)  # with a second stage: the first alone
    models: list[TreeModel] = []
    fold_of = np.zeros(len(pages), dtype=int)
    step = LineModel(model=_NO_MODEL)
    for k, (train, test) in enumerate(GroupKFold(folds).split(np.zeros(len(pages)), groups=groups)):
        start = time.time()
        first, second_trees = fit_stages(pages, features, train, folds=folds, second=second,
                                         rescue_below=rescue_below, **fit)
        model = TreeModel.from_sklearn(first, 0.5, second_stage=second_trees,
                                       rescue=None if rescue_below is None else RESCUE_KEEP)
        models.append(model)
        for i in test:
            lines = pages[i]["lines"]
            X = step.features(lines, step.rules(lines))
            alone_p[i] = model.predict_proba(X)
            if second is not None:
                first_p[i] = model.first_stage(X)
            batch_p[i] = model.predict_proba(batched[i])
            fold_of[i] = k
        log(f"fold {k + 1}/{folds}: {len(train)} pages, {time.time() - start:.0f} s")
    return {
        "alone": alone_p, "batch": batch_p, "models": models, "fold_of": fold_of, "folds": folds, "fit": fit,
        "second": second, **({"first_alone": first_p} if second is not None else {}),
    }  # fmt: skip


def best_single_pass(pages: Sequence[dict], alone_p: Sequence[np.ndarray]) -> tuple[float, float]:
    """The threshold among :data:`THRESHOLDS` that maximises the mean of the line F1 and the snippet F1
    of one pass over each page alone, and that mean."""
    best, single = -1.0, 0.5
    for t in THRESHOLDS:
        value = _mean_f1(score(pages, [p >= t for p in alone_p])["all"])
        if value > best:
            best, single = value, t
    return single, best


def select_fit(
    pages: Sequence[dict],
    features: tuple,
    grid: Sequence[dict[str, Any]] = GRID,
    folds: int = 5,
    log: Callable[[str], None] = print,
    **fixed: Any,
) -> tuple[dict[str, Any], list[dict[str, Any]], dict[str, Any]]:
    """Choose the boosting settings by grouped cross-validation: each setting of ``grid`` is scored
    out of fold at its best single-pass threshold; the cheapest (:func:`fit_cost`) within
    :data:`TIE` of the best wins. Returns the settings, one row of scores per setting, and the
    winner's out-of-fold predictions (for :func:`cross_validate`)."""
    table, runs = [], []
    for setting in grid:
        fit = {**fixed, **setting}
        start = time.time()
        oof = out_of_fold(pages, features, folds=folds, log=lambda _: None, **fit)
        threshold, value = best_single_pass(pages, oof["alone"])
        seconds = round(time.time() - start)
        table.append({**setting, "threshold": threshold, "score": round(value, 4), "seconds": seconds})
        runs.append(oof)
        log(f"{setting}: {value:.4f} at threshold {threshold} ({seconds} s)")
    top = max(row["score"] for row in table)
    chosen = min(
        (i for i, row in enumerate(table) if row["score"] >= top - TIE), key=lambda i: fit_cost(grid[i])
    )
    for i, row in enumerate(table):
        row["chosen"] = i == chosen
    return {**fixed, **grid[chosen]}, table, runs[chosen]


def search_threshold(score_at: Callable[[float], float], start: Sequence[float], step: float = 0.05,
                     floor: float = FLOOR) -> float:
    """The threshold the cleaner drops at: the lowest, among those tried, whose cross-validated score
    (``score_at(t)``, higher is better) lies within :data:`TIE` of the best, for an article line lost
    costs the stance stage more than a menu line kept. ``start`` gives the thresholds tried first
    (rounded, at least ``floor``); while the lowest tried still lies within :data:`TIE` of the best,
    the one ``step`` below it is tried too, so that the choice never stops at the lower edge of the
    thresholds tried when the scores go on rising or stay level below it (round BO,
    ``docs/design.md``).

    >>> scores = {0.45: 0.9271, 0.4: 0.9273, 0.35: 0.9278, 0.3: 0.9281, 0.25: 0.9280, 0.2: 0.9268}
    >>> search_threshold(scores.__getitem__, [0.45, 0.4, 0.35, 0.3])
    0.25
    >>> search_threshold({0.4: 0.90, 0.35: 0.91, 0.3: 0.89}.__getitem__, [0.4, 0.35, 0.3])
    0.35
    """
    tried: dict[float, float] = {}
    for t in sorted({max(floor, round(t, 2)) for t in start}):
        tried[t] = score_at(t)
    while (low := min(tried)) > floor and tried[low] >= max(tried.values()) - TIE:
        t = max(floor, round(low - step, 2))
        tried[t] = score_at(t)
    top = max(tried.values())
    return min(t for t, value in tried.items() if value >= top - TIE)


def cross_validate(
    pages: Sequence[dict],
    folds: int = 5,
    log: Callable[[str], None] = print,
    augment: bool = True,
    features: tuple | None = None,
    oof: dict[str, Any] | None = None,
    second: dict[str, Any] | None = None,
    threshold: float | None = None,
    **fit: Any,
) -> tuple[float, dict[str, Any]]:
    """Grouped (by site) cross-validation: the threshold that maximises the mean of the line F1 and
    the snippet F1 on out-of-fold predictions, and the scores at it, alone and in batch, and when
    the cleaner reruns the model on what it keeps (as it does). ``oof`` may give
    :func:`out_of_fold`'s predictions for these settings, computed before; ``second``: the second
    stage's settings (see :func:`fit_stages`); ``threshold``: score at this one instead of choosing it
    (``stance train-cleaner --threshold T --cross-validate``; ``results["threshold_given"]`` says so)."""
    features = features if features is not None else page_features(pages, augment=augment)
    if oof is None:
        oof = out_of_fold(pages, features, folds=folds, log=log, second=second, **fit)
    alone_p, batch_p, models, fold_of = oof["alone"], oof["batch"], oof["models"], oof["fold_of"]
    single, _ = best_single_pass(pages, alone_p)
    # The cleaner reruns the model on what it keeps, which drops a little more each time: the
    # threshold is chosen on that procedure, from the best single-pass one and those below it
    # (search_threshold goes further down while the lowest tried ties with the best).
    cleaner: dict[float, dict] = {}

    def cleaner_score(t: float) -> float:
        keeps = [
            rerun_to_fixed_point(LineModel(model=models[fold_of[i]], threshold=t), page["lines"])
            for i, page in enumerate(pages)
        ]
        cleaner[t] = score(pages, keeps)
        log(f"threshold {t}: cleaner {_mean_f1(cleaner[t]['all']):.4f}")
        return _mean_f1(cleaner[t]["all"])

    given = threshold is not None
    if threshold is None:
        threshold = search_threshold(cleaner_score, [single - d for d in (0.0, 0.05, 0.1, 0.15)])
    else:
        cleaner_score(threshold)
    results = {
        "threshold_given": given,
        "threshold": threshold,
        "single_pass_threshold": single,
        "folds": oof["folds"],
        "second": oof.get("second"),
        "alone": score(pages, [p >= threshold for p in alone_p]),
        "batch": score(pages, [p >= threshold for p in batch_p]),
        "cleaner": cleaner[threshold],
        "cleaner_by_threshold": {str(t): _mean_f1(cleaner[t]["all"]) for t in sorted(cleaner)},
    }
    return threshold, results


def rescuer_scores(pages: Sequence[dict], oof: dict[str, Any], threshold: float,
                   first: dict[str, Any]) -> dict[str, Any]:
    """:func:`cross_validate`'s results ``first`` (of the first stage alone, which chose ``threshold``)
    with the scores replaced by those of the first stage and its rescuer, from :func:`out_of_fold`'s
    run ``oof`` with ``rescue_below=threshold``; the first stage's cleaner scores stay, under
    ``"rescue"``, to compare."""
    models, fold_of = oof["models"], oof["fold_of"]
    keeps = [
        rerun_to_fixed_point(LineModel(model=models[fold_of[i]], threshold=threshold), page["lines"])
        for i, page in enumerate(pages)
    ]
    return {
        **first,
        "alone": score(pages, [p >= threshold for p in oof["alone"]]),
        "batch": score(pages, [p >= threshold for p in oof["batch"]]),
        "cleaner": score(pages, keeps),
        "rescue": {"first_stage": first["cleaner"], "second": dict(oof["second"]), "keep": RESCUE_KEEP},
    }


def format_rescue(results: dict[str, Any]) -> str:
    """A Markdown table: the cleaner out of fold with the first stage alone and with its rescuer."""
    rescue = results["rescue"]
    out = [
        f"The rescuer ({rescue['second']['iterations']} trees, depth {rescue['second']['max_depth']}, learning "
        f"rate {rescue['second']['learning_rate']}; a line the first stage drops is kept if the rescuer gives it "
        f"{rescue['keep']} or more), nested in the same folds: in each fold it learns from the lines the first "
        "stage drops in an inner cross-validation of the fold's training pages, grouped by site. The cleaner, "
        f"out of fold, at threshold {results['threshold']}:",
        "",
        "| group | first stage alone: line F1 | snippet F1 | mean | with the rescuer: line F1 | snippet F1 | mean |",
        "|---|---|---|---|---|---|---|",
    ]
    for group, alone in rescue["first_stage"].items():
        both = results["cleaner"][group]
        out.append(f"| {group} | " + " | ".join(
            f"{row['lines']['f1']:.3f} | {row['snippets']['f1']:.3f} | {_mean_f1(row):.4f}" for row in (alone, both)
        ) + " |")
    return "\n".join(out)


def _mean_f1(scores: dict[str, dict[str, float]]) -> float:
    return (scores["lines"]["f1"] + scores["snippets"]["f1"]) / 2


def rerun_passes(step: LineModel, lines: Sequence[str]) -> Iterator[np.ndarray]:
    """The indices of the lines kept after each pass of the step that drops some, the step rerun on
    what it keeps until it drops nothing (as the cleaner reruns it)."""
    kept = np.arange(len(lines))
    while len(kept):
        drops = step.find([lines[i] for i in kept])
        if not drops:
            return
        kept = np.delete(kept, sorted(drops))
        yield kept


def rerun_to_fixed_point(step: LineModel, lines: Sequence[str]) -> np.ndarray:
    """Which lines the step keeps when rerun on what it keeps until it drops nothing."""
    passes = [np.arange(len(lines)), *rerun_passes(step, lines)]
    keep = np.zeros(len(lines), dtype=bool)
    keep[passes[-1]] = True
    return keep


def train(
    pages: Sequence[dict],
    threshold: float,
    augment: bool = True,
    features: tuple | None = None,
    second: dict[str, Any] | None = None,
    folds: int = 5,
    rescuer: bool = False,
    **fit: Any,
) -> TreeModel:
    """Train the line model on all ``pages``: the first stage with ``fit`` (see :func:`fit_trees`)
    and, when ``second`` gives its settings, the second stage (see :func:`fit_stages`, ``folds``
    its inner cross-validation), a rescuer of the lines the first stage drops at ``threshold`` if
    ``rescuer``. ``features`` may give :func:`page_features` of the pages, computed before."""
    if rescuer and second is None:
        raise ValueError("a rescuer is a second stage: give its settings (second=SECOND_STAGE)")
    check_labelled(pages)
    features = features if features is not None else page_features(pages, augment=augment)
    rescue_below = threshold if rescuer else None
    first, second_trees = fit_stages(pages, features, folds=folds, second=second, rescue_below=rescue_below, **fit)
    french = max((float(p.get("weight", 1.0)) for p in pages if p.get("lang") == "fr"), default=1.0)
    documents = sum(p.get("source") == DOCUMENTS_SOURCE for p in pages)
    info = {
        "pages": len(pages),
        **({"french_weight": french} if french != 1.0 else {}),  # every page alike: nothing to record
        **({"documents": documents} if documents else {}),  # articles read as content only (--with-documents)
        "labelled_lines": int(sum(np.sum(np.asarray(p["labels"]) >= 0) for p in pages)),
        "sites": len({p["group"] for p in pages}),
        "fit": {k: v for k, v in fit.items()},
        "second": None if second_trees is None else dict(second),  # a rescuer with nothing to learn: none
        **({"rescuer": {"below": float(threshold), "keep": RESCUE_KEEP}} if rescuer and second_trees is not None
           else {}),
    }
    return TreeModel.from_sklearn(first, threshold, second_stage=second_trees,
                                  rescue=RESCUE_KEEP if rescuer else None, **info)


class _NoModel:
    """Stands for a model while features are computed for training."""

    threshold = 0.5


_NO_MODEL: Any = _NoModel()


_METRICS = ("precision", "recall", "f1")


def format_scores(results: dict[str, Any]) -> str:
    """A Markdown table of the CV scores."""
    rows = ["| setting | group | line P | line R | line F1 | snippet P | snippet R | snippet F1 |", "|---" * 8 + "|"]
    for setting in ("alone", "batch", "cleaner"):
        for group, s in results.get(setting, {}).items():
            rows.append(
                f"| {setting} | {group} | "
                + " | ".join(f"{s[kind][m]:.3f}" for kind in ("lines", "snippets") for m in _METRICS)
                + " |"
            )
    return "\n".join(rows)


def format_selection(table: Sequence[dict[str, Any]], folds: int) -> str:
    """A Markdown table of the boosting settings tried by :func:`select_fit`."""
    rows = [
        f"Boosting settings chosen by {folds}-fold cross-validation grouped by site: each scored out of "
        "fold on the pages alone, one pass, at its best threshold (mean of line F1 and snippet F1); the "
        f"cheapest (iterations x depth) within {TIE} of the best is kept.",
        "",
        "| iterations | depth | learning rate | best threshold | score | chosen |",
        "|---|---|---|---|---|---|",
    ]
    for row in table:
        rows.append(
            f"| {row['iterations']} | {row['max_depth']} | {row['learning_rate']} | {row['threshold']} | "
            f"{row['score']:.4f} | {'yes' if row['chosen'] else ''} |"
        )
    return "\n".join(rows)


def compare_stages(pages: Sequence[dict], oof: dict[str, Any]) -> list[dict[str, Any]]:
    """The first stage alone against both stages, from one :func:`out_of_fold` run with a second
    stage (its fold models' first stages are the one-stage models of the same folds): each scored as
    :func:`select_fit` scores a setting (the pages alone, one pass, at its best threshold)."""
    rows = []
    for name, predictions in (("first stage alone", oof["first_alone"]), ("two stages", oof["alone"])):
        threshold, value = best_single_pass(pages, predictions)
        scores = score(pages, [p >= threshold for p in predictions])["all"]
        rows.append({
            "model": name, "threshold": float(threshold), "score": round(float(value), 4),
            "line_f1": round(float(scores["lines"]["f1"]), 4), "snippet_f1": round(float(scores["snippets"]["f1"]), 4),
        })  # fmt: skip
    return rows


def format_stages(rows: Sequence[dict[str, Any]], second: dict[str, Any]) -> str:
    """A Markdown table of :func:`compare_stages`."""
    out = [
        f"The second stage ({second['iterations']} trees, depth {second['max_depth']}, learning rate "
        f"{second['learning_rate']}; settings fixed before its cross-validation), nested in the same folds: "
        "in each fold it learns from the first stage's predictions of an inner cross-validation of the "
        "fold's training pages, grouped by site.",
        "",
        "| model | best threshold | score | line F1 | snippet F1 |",
        "|---|---|---|---|---|",
    ]
    for row in rows:
        out.append(
            f"| {row['model']} | {row['threshold']} | {row['score']:.4f} | {row['line_f1']:.4f} | "
            f"{row['snippet_f1']:.4f} |"
        )
    return "\n".join(out)


def repository_root() -> Path:
    """The root of the source checkout (training pages live in ``models/training/``)."""
    return Path(__file__).resolve().parents[2]


def default_pages_folder() -> Path:
    """``../shared/data/webpages`` beside the source checkout, where the labelled web pages are kept."""
    path = repository_root().parent / "shared" / "data" / "webpages"
    if not path.is_dir():
        raise InputError(
            "expected the line-labelled web pages at ../shared/data/webpages beside the source checkout; "
            "pass --data DIR (folders or .jsonl(.gz) files of {\"lines\", \"labels\"} pages)",
            str(path),
        )
    return path


def _checkout_file(name: str, what: str, instead: str) -> Path:
    """``models/training/<name>`` of the source checkout, or an :class:`InputError` saying ``what`` it holds
    and what to do ``instead`` when the package runs from an installed wheel."""
    path = repository_root() / "models" / "training" / name
    if not path.is_file():
        raise InputError(f"{what} ship with the stance source repository, not with the installed package; run "
                         f"from a checkout, or {instead}", str(path))
    return path


def french_pages_file() -> Path:
    """Our first French training pages: ``models/training/webpages_fr.jsonl`` of the source checkout."""
    return _checkout_file("webpages_fr.jsonl", "the French training pages", "pass --no-french-pages")


# The French pages and dirty documents written blind to judge the cleaner's rounds (docs/design.md: until round BL,
# then the nine files judged on from BL to BX, added by round CB, and the eight from `_s38` to `_s40d`, added by
# round CG), which `stance train-cleaner --french-development` also reads, in this order. The files written after
# them judge later rounds and are not among them.
FRENCH_DEVELOPMENT = (
    "cleaning_fr_documents_dev.jsonl", "cleaning_fr_documents_dev_aq.jsonl", "cleaning_fr_documents_dev_av.jsonl",
    "cleaning_fr_documents_dev_ax.jsonl", "cleaning_fr_documents_dev_ba.jsonl", "cleaning_fr_documents_dev_bc.jsonl",
    "cleaning_fr_documents_dev_bg.jsonl", "cleaning_fr_documents_dev_bh.jsonl", "cleaning_fr_documents_dev_bi.jsonl",
    "cleaning_fr_documents_dev_bj.jsonl", "cleaning_fr_documents_dev_bk.jsonl", "webpages_fr_dev_an.jsonl",
    "webpages_fr_dev_blind2.jsonl", "webpages_fr_dev_blind3.jsonl", "webpages_fr_dev_blind4.jsonl",
    "webpages_fr_dev_blind5.jsonl", "webpages_fr_dev_blind6.jsonl", "cleaning_fr_documents_dev_bl.jsonl",
    "cleaning_fr_documents_dev_bm.jsonl", "cleaning_fr_documents_dev_bn.jsonl", "cleaning_fr_documents_dev_bo.jsonl",
    "cleaning_fr_documents_dev_bq.jsonl", "cleaning_fr_documents_dev_long.jsonl", "cleaning_fr_documents_dev_bt.jsonl",
    "cleaning_fr_documents_dev_bu.jsonl", "cleaning_fr_documents_dev_bx.jsonl",
    "cleaning_fr_documents_dev_s38.jsonl", "cleaning_fr_documents_dev_s39.jsonl",
    "cleaning_fr_documents_dev_s39b.jsonl", "cleaning_fr_documents_dev_s39c.jsonl",
    "cleaning_fr_documents_dev_s40.jsonl", "cleaning_fr_documents_dev_s40b.jsonl",
    "cleaning_fr_documents_dev_s40c.jsonl", "cleaning_fr_documents_dev_s40d.jsonl",
)


def french_development_files() -> list[Path]:
    """The files of :data:`FRENCH_DEVELOPMENT` (``models/training/`` of the source checkout), in that order."""
    return [_checkout_file(name, "the French development pages", "leave out --french-development")
            for name in FRENCH_DEVELOPMENT]


DOCUMENTS_SOURCE = "stance-fr-documents"


# The French articles of the stance stage that `stance train-cleaner --with-documents` reads as pages of content only:
# the training documents, and with `--with-documents all` the two development files of the document aggregation too
# (round BN, docs/design.md; the cleaner reads their text only, never their stance labels).
DOCUMENT_FILES = {
    "training": ("stance_fr_documents.jsonl",),
    "all": ("stance_fr_documents.jsonl", "stance_fr_documents_dev.jsonl", "stance_fr_documents_dev_short.jsonl"),
}  # fmt: skip


def french_documents_file() -> Path:
    """Our French training articles for stance: ``models/training/stance_fr_documents.jsonl`` of the source
    checkout, which ``stance train-cleaner --with-documents`` also reads as pages of content only."""
    return french_documents_files()[0]


def french_documents_files(which: str = "training") -> list[Path]:
    """The files of ``DOCUMENT_FILES[which]`` (``models/training/`` of the source checkout), in that order.

    >>> [path.name for path in french_documents_files("all")][1:]
    ['stance_fr_documents_dev.jsonl', 'stance_fr_documents_dev_short.jsonl']
    """
    if which not in DOCUMENT_FILES:
        raise UsageError(f"--with-documents {which}: expected one of {', '.join(DOCUMENT_FILES)}")
    return [_checkout_file(name, "the French stance documents", "leave out --with-documents")
            for name in DOCUMENT_FILES[which]]


def document_pages(path: str | Path | None = None) -> list[dict]:
    """Articles as pages whose every paragraph is content: the French training documents of stance
    (:func:`french_documents_file`, ``{"id", "text"}`` per line, paragraphs separated by blank lines), each
    its own site. They are articles as the library is given them, without furniture: short subheadings,
    lines ending with a colon before a list, questions to the reader, which web page dumps teach the line
    model too rarely to keep. Not used by default: in round AP they did not help on French dirty documents
    (``docs/design.md``).

    >>> pages = document_pages()
    >>> len(pages) > 100, all(set(page["labels"]) == {1} for page in pages)
    (True, True)
    """
    from ..io import read_documents  # reads {"id", "text"} lines, an InputError naming the line otherwise

    path = Path(path) if path is not None else french_documents_file()
    pages = []
    for document in read_documents(path):
        name = f"{DOCUMENTS_SOURCE}/{document.id}"
        paragraphs = [part.strip() for part in document.text.split("\n") if part.strip()]
        page = read_page({"id": name, "source": DOCUMENTS_SOURCE, "lang": "fr", "site": name, "url": None,
                          "lines": paragraphs, "labels": [1] * len(paragraphs)}, f"{path}: {document.id}")
        if page["lines"]:
            pages.append(page)
    return pages


def default_output() -> Path:
    """Where ``stance train-cleaner`` saves by default: ``$STANCE_HOME/line-model``."""
    from ..registry import stance_home

    return stance_home() / "line-model"


def save_with_card(model: TreeModel, folder: Path, results: dict | None, sources: Sequence[Path]) -> None:
    """Write ``model.json`` and its card ``README.md`` into ``folder``: the model last, so that a save
    cut short (an error while the card is made, a full disk, Ctrl-C) leaves a folder that does not load
    rather than a new model beside an old card."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "model.json"
    size = len(model.dumps().encode("utf-8"))
    info = model.spec["info"]
    scores = (
        "Cross-validation grouped by site ("
        f"{results['folds']} folds; {_threshold_origin(results)}; the best single-pass "
        f"threshold is {results['single_pass_threshold']}). *alone*: each page cleaned on its "
        "own, one pass; *batch*: with all pages as its batch (corpus frequency); *cleaner*: alone, the model "
        "(with the rules of `ExtraFurniture` after it) rerun on what it keeps until it drops nothing, as the "
        "cleaner does. Line scores: content lines "
        "(labels 0/1); snippet scores: up to 3 content and 3 furniture lines of 15+ characters per page that "
        "must be kept / must go, as trafilatura's benchmark scores extractors.\n\n" + format_scores(results)
        if results
        else "No cross-validation was run for this model (a threshold was given)."
    )
    if results and results.get("stages"):
        scores = format_stages(results["stages"], results["second"]) + "\n\n" + scores
    if results and results.get("rescue"):
        scores = format_rescue(results) + "\n\n" + scores
    if results and results.get("selection"):
        scores = format_selection(results["selection"], results["folds"]) + "\n\n" + scores
    first = model.first
    trees = (
        f"{len(first.roots)} gradient-boosted trees (scikit-learn `HistGradientBoostingClassifier`, depth ≤ "
        f"{first.depth}) over {len(model.spec['features'])} features of each line and of the two lines either "
        "side (`stance/cleaning/features.py`)"
    )
    if model.rescue is not None:
        trees = (
            f"{trees}; then a rescuer, {len(model.second.roots)} more trees (depth ≤ {model.second.depth}) over "
            f"the same features plus {len(CONTEXT)} read from the first stage's probabilities along the page "
            "(`context_features`: how sure the neighbouring lines are, whether the line lies in the page's main "
            "block, the share of the expected article text before and after it), which judges only the lines "
            f"the first stage drops and keeps those it gives {model.rescue} or more. It learnt from the lines "
            "the first stage dropped on sites it had not seen (an inner cross-validation grouped by site)"
        )
    elif model.second is not None:
        trees = (
            f"two stages: {trees}; then {len(model.second.roots)} more trees (depth ≤ {model.second.depth}) "
            f"over the same features plus {len(CONTEXT)} read from the first stage's probabilities along the "
            "page (`context_features`: how sure the neighbouring lines are, whether the line lies in the "
            "page's main block, the share of the expected article text before and after it). The second "
            "stage learnt from the first stage's predictions on sites it had not seen (an inner "
            "cross-validation grouped by site)"
        )
    french = info.get("french_weight")
    weighted = (f"Each page in French weighs {french:g} in training, a page in another language 1 "
                "(`stance train-cleaner --french-weight`; the default weighs every page alike: docs/design.md). "
                if french and french != 1 else "")
    if info.get("french_development"):
        weighted += (f"{info['french_development']} of the pages are the French development pages and dirty "
                     "documents written to judge the cleaner's earlier rounds (`stance train-cleaner "
                     "--french-development`: `cleaning.training.FRENCH_DEVELOPMENT`, `models/training/`, MIT): "
                     "articles copied with their clutter and whole pages, in many more site styles. ")
    if info.get("documents"):
        which = info.get("documents_from", "training")
        files = ", ".join(f"`models/training/{name}`" for name in DOCUMENT_FILES[which])
        option = "--with-documents" + (f" {info['documents_from']}" if info.get("documents_from") else "")
        weighted += (f"{info['documents']} of the pages are our French articles for stance ({files}, MIT), read as "
                     f"pages whose every paragraph is content (`stance train-cleaner {option}`): articles as the "
                     "library is given them, with short subheadings, lines ending with a colon and questions to "
                     "the reader. ")
    card = CARD.format(
        command=retrain_command(model, selected=bool(results and results.get("selection")),
                                cross_validated=bool(results),
                                threshold_given=bool(results and results.get("threshold_given"))),
        size=size / 1e6,
        pages=info["pages"],
        sites=info["sites"],
        lines=info["labelled_lines"],
        weighted=weighted,
        trees=trees,
        threshold=model.threshold,
        sources=", ".join(f"`{s.name}`" for s in sources),
        scores=scores,
    )
    path.unlink(missing_ok=True)
    temporary = folder / ".README.md.tmp"
    try:
        temporary.write_text(card, encoding="utf-8")
        os.replace(temporary, folder / "README.md")
    finally:
        temporary.unlink(missing_ok=True)
    model.save(path)


def _threshold_origin(results: dict[str, Any]) -> str:
    """How the card's threshold came about: given to the command and scored, or chosen by the cross-validation."""
    if results.get("threshold_given"):
        return (f"threshold {results['threshold']} given to the command (`--threshold {results['threshold']:g} "
                "--cross-validate`) and scored")
    return (f"threshold {results['threshold']} chosen on the cleaner's scores, the lowest within {TIE} of the best, "
            f"among {', '.join(results['cleaner_by_threshold'])}")


_FIT_OPTIONS = {"iterations": "--iterations", "max_depth": "--depth", "learning_rate": "--learning-rate"}


def retrain_command(model: TreeModel, selected: bool, cross_validated: bool, threshold_given: bool = False) -> str:
    """The `stance train-cleaner` command that trains ``model`` again on the same pages: the boosting
    settings unless cross-validation chose them (``selected``), the threshold unless it chose that
    (``cross_validated``; ``threshold_given``: it was given and cross-validated, ``--threshold T
    --cross-validate``), and the stages.

    >>> model = TreeModel.default()
    >>> print(retrain_command(model, selected=False, cross_validated=True, threshold_given=True)
    ...       .replace(" --f", "\\n--f"))  # round CB's
    stance train-cleaner --iterations 300 --depth 6 --learning-rate 0.1 --threshold 0.3 --cross-validate
    --french-weight 0.5 --with-documents all
    --french-development
    """
    info = model.spec.get("info", {})
    parts = ["stance train-cleaner"]
    if not selected:
        fit = info.get("fit", {})
        parts += [f"{option} {fit[key]:g}" for key, option in _FIT_OPTIONS.items() if key in fit]
    if not cross_validated or threshold_given:
        parts.append(f"--threshold {model.threshold:g}" + (" --cross-validate" if cross_validated else ""))
    if model.second is None:
        parts.append("--no-rescuer")
    elif model.rescue is None:
        parts.append("--second-stage")
    if info.get("french_weight"):
        parts.append(f"--french-weight {info['french_weight']:g}")
    if info.get("documents"):
        parts.append("--with-documents" + (f" {info['documents_from']}" if info.get("documents_from") else ""))
    if info.get("french_development"):
        parts.append("--french-development")
    return " ".join(parts)


CARD = """# Line model of the cleaner (content or furniture)

`model.json` ({size:.2f} MB): {trees},
exported as JSON node arrays and evaluated with numpy
(`stance.cleaning.linemodel.TreeModel`; no pickle, no scikit-learn at cleaning time). A line whose
probability of being content is under **{threshold}** is dropped as `boilerplate (p=…)`, p being its
probability of being furniture, unless a rule recognised it (then the rule's reason is given): the rules of
`Boilerplate`, which are also features of the trees, before the model; those of `ExtraFurniture`, which
the trees were trained without, after it.

Retrain with one command from a source checkout: `{command}` (reads
`../shared/data/webpages` by default, or `--data DIR`, plus `models/training/webpages_fr.jsonl`;
`--out stance/models/line-model` to replace this model).

## Training material

{pages} pages from {sites} sites, {lines} labelled lines (sources: {sources}):

- **DAniEL corpus v2.1** (`corpora/Corpus_daniel_v2.1/` of github.com/rundimeco/waddle, GPL-3.0;
  re-annotation by Lejeune & Zhu 2018, "A New Proposal for Evaluating Web Page Cleaning Tools",
  *Computación y Sistemas* 22(4)): news pages in English, Chinese, Polish, Greek and Russian.
- **Scrapinghub article-extraction-benchmark** (github.com/scrapinghub/article-extraction-benchmark,
  MIT, © 2020 Scrapinghub): 181 pages, mostly English.
- **Our French pages** (`models/training/webpages_fr.jsonl`, MIT): pages written for this project in
  many site styles (national and regional news, blogs, forums, petitions, finance portals...), with
  their furniture, never the eval set.

{weighted}The first two are dumped one block per line with a label derived from each page's reference main
text (see the data's README); they are training material only and stay out of this repository. The
model holds no text of them: only split thresholds on numeric features.

## Scores

{scores}

## Limits

Labels of the web pages come from reference main texts, which differ in scope (some keep captions or
bylines); a site never seen before can have furniture unlike any in training. Lines in the document's
own language are never dropped for their script; stopword features fall back to none for languages
without a stopwords-iso list.
"""
