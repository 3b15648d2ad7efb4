"""The learned line model: content or furniture, for lines no rule recognises.

A cheap classifier over the line sequence (gradient-boosted trees from
scikit-learn over the features of :mod:`.features`) decides what the
furniture and comment rules leave. A second stage reads the first's
probabilities along the document: the shipped model's is a *rescuer*, which
only judges the lines the first stage drops and keeps those it calls content
(``stance train-cleaner``); ``--second-stage`` trains one that decides every
line instead. The trees ship as JSON (package data
``stance/models/line-model/model.json``, with its card) and are evaluated with
numpy: no pickle, no scikit-learn at cleaning time.

:class:`LineModel` is the cleaning step, after comments and deduplication. It
runs the furniture rules first: a line a rule recognises is dropped with the
rule's reason, and the rule hits (and comment-form lines) are features of the
line and of its neighbours. Every other
line whose probability of being content falls under the model's threshold is
dropped as ``"boilerplate (p=0.94)"``, ``p`` being its probability of being
furniture. Last, the rules the model was trained without
(:class:`~stance.cleaning.boilerplate.ExtraFurniture`, not features) drop the
lines they recognise with their reason; in a French document, the cells of a table
inside the article (:mod:`.tables`) that the lone-number rule or the model dropped
stay. Its features depend only on the lines it is given, and the cleaner
reruns it until it drops nothing, so cleaning a cleaned text changes nothing.

>>> step = LineModel()
>>> step.find(["Accueil", "Économie", "Marchés", "Le CAC 40 a gagné 1 % vendredi, porté par les banques "
...            "et par les valeurs du luxe, dans des volumes étoffés.", "Partager"])[4]
'share or reaction button'
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import InputError
from .base import LineRules, Step
from .boilerplate import CAPTION, LONE_NUMBER, Boilerplate, ExtraFurniture, captions_over_credits, source_notes
from .boxes import article_boxes
from .comments import COMMENT, CommentForm, forum_replies
from .features import CONTEXT, FEATURES, context_features, intrinsic_features, line_features
from .language import FRENCH_OR_UNTOLD, document_language
from .signoffs import sign_offs
from .sitecopy import ADVERTISING, TAGLINE, advertisers_copy, taglines
from .tables import NEAR, article_tables

MODEL_REASON = "boilerplate"
_MODEL_PREFIX = MODEL_REASON + " (p="
_DOC_LONG_SHARE = FEATURES.index("doc_long_share")
FORMAT = "stance-line-model/3"  # /2: an optional second stage; /3: which may be a rescuer
FORMATS = ("stance-line-model/1", "stance-line-model/2", FORMAT)
# The deepest trees walked level by level as complete binary trees (see _Trees): 2**8 leaves a tree at most;
# deeper ones, rare and memory-hungry laid out so, take the walk that looks up each node's children.
_UNROLL_DEPTH = 8


class _Trees:
    """One stage's boosted trees, evaluated with numpy: all trees step down one level at a time."""

    def __init__(self, trees: dict[str, Any]) -> None:
        self.baseline = float(trees["baseline"])
        self.depth = int(trees["depth"])
        self.roots = np.asarray(trees["roots"], dtype=np.intp)
        self.feature = np.asarray(trees["feature"], dtype=np.intp)
        self.split = np.asarray(trees["threshold"], dtype=np.float64)
        self.value = np.asarray(trees["value"], dtype=np.float64)
        # The walk down deeper trees (see _UNROLL_DEPTH) keeps each node k as the position 2k, where the
        # node's feature and split are stored (twice: also at 2k + 1); position 2k + 1 holds where the right
        # branch goes, 2k where the left one goes (so a step is one comparison added to the position), and
        # both hold the child already as a position (twice its node number).
        self._child2 = 2 * np.stack(
            [np.asarray(trees["left"], dtype=np.intp), np.asarray(trees["right"], dtype=np.intp)], axis=1
        ).ravel()
        self._feature2 = np.repeat(self.feature, 2)
        self._split2 = np.repeat(self.split, 2)
        # Trees no deeper than _UNROLL_DEPTH are also laid out level by level as complete binary trees:
        # position p of a tree's level d holds the node that the turns written by the bits of p (0 left,
        # 1 right) lead to, and a leaf above the last level fills every position under it (a leaf is its
        # own child). Position p of tree t is stored at t * 2**d + p, so a row at g on level d goes to
        # 2g or 2g + 1 on level d + 1: the step is the comparison alone, without looking up the child,
        # and the walk makes three lookups a level instead of four (a fifth faster), for the same nodes.
        self._unroll()

    def _unroll(self) -> None:
        """Lay the trees out level by level (``_levels``, ``_leaves``), if they are no deeper than
        ``_UNROLL_DEPTH``."""
        self._levels: list[tuple[np.ndarray, np.ndarray]] = []
        self._leaves = np.empty(0)
        if 0 < self.depth <= _UNROLL_DEPTH:
            left, right = self._child2[0::2] >> 1, self._child2[1::2] >> 1
            node = self.roots
            for _ in range(self.depth):
                self._levels.append((self.feature[node].ravel(), self.split[node].ravel()))
                node = np.stack([left[node], right[node]], axis=-1).reshape(len(self.roots), -1)
            self._leaves = self.value[node].ravel()

    def __getstate__(self) -> dict[str, Any]:
        # The layout by levels is made again from the nodes: a pickle holds the nodes only, as it did before
        # there was one (datasets keys its cache on the cleaner's pickle).
        return {key: value for key, value in self.__dict__.items() if key not in ("_levels", "_leaves")}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._unroll()

    @staticmethod
    def export(model: Any) -> dict[str, Any]:
        """The JSON node arrays of a fitted binary ``HistGradientBoostingClassifier`` (numeric features only)."""
        nodes_by_tree = [iteration[0].nodes for iteration in model._predictors]
        feature, split, left, right, value, missing_left, roots = [], [], [], [], [], [], []
        depth = 0
        for nodes in nodes_by_tree:
            if np.any(nodes["is_categorical"]):
                raise ValueError("categorical splits are not supported")
            offset = len(feature)
            roots.append(offset)
            leaf = nodes["is_leaf"].astype(bool)
            own = np.arange(len(nodes)) + offset
            feature += np.where(leaf, 0, nodes["feature_idx"]).astype(int).tolist()
            split += np.where(leaf, 0.0, nodes["num_threshold"]).astype(float).tolist()
            # a leaf points to itself, so that every tree can take the same number of steps
            left += np.where(leaf, own, nodes["left"].astype(np.int64) + offset).tolist()
            right += np.where(leaf, own, nodes["right"].astype(np.int64) + offset).tolist()
            value += np.where(leaf, nodes["value"], 0.0).astype(float).tolist()
            missing_left += nodes["missing_go_to_left"].astype(int).tolist()
            depth = max(depth, int(nodes["depth"].max()))
        return {
            "baseline": float(np.ravel(model._baseline_prediction)[0]),
            "depth": depth,
            "roots": roots,
            "feature": feature,
            "threshold": split,
            "left": left,
            "right": right,
            "value": value,
            "missing_left": missing_left,
        }

    def raw(self, X: np.ndarray) -> np.ndarray:
        """The trees' summed scores. Features are never NaN, so the trees' missing-value branches
        are not needed."""
        X = np.ascontiguousarray(X, dtype=np.float64)
        rows, columns = X.shape
        roots = self.roots
        if self.depth == 0:
            return np.full(rows, self.value[roots].sum() + self.baseline)
        flat = X.ravel()  # feature f of row r at r * columns + f
        row = np.arange(0, rows * columns, columns)[:, None]
        if self._levels:
            (feature, split), *below = self._levels
            # The first step is the same split for every row: no per-row lookup of the node.
            at = (X.take(feature, axis=1) > split).astype(np.intp)
            at += 2 * np.arange(len(roots))  # tree t's level 1 starts at 2t
            for feature, split in below:
                where = feature.take(at)
                where += row
                turn = flat.take(where) > split.take(at)
                at <<= 1
                at += turn
            return self._leaves.take(at).sum(axis=1) + self.baseline
        child2, feature2, split2 = self._child2, self._feature2, self._split2
        # The first step is the same split for every row: no per-row lookup of the node.
        at = child2.take(2 * roots + (X.take(self.feature[roots], axis=1) > self.split[roots]))
        for _ in range(self.depth - 1):
            where = feature2.take(at)
            where += row
            at += flat.take(where) > split2.take(at)
            at = child2.take(at)
        return self.value.take(at >> 1).sum(axis=1) + self.baseline


class TreeModel:
    """Binary gradient-boosted trees over the line features, evaluated with numpy, in one or two stages.

    With a second stage, the first stage's content probabilities of the document's lines are read
    along the document (:func:`~stance.cleaning.features.context_features`) and a second set of
    trees judges from the line features plus those. It decides every line, or, as a *rescuer*
    (``rescue``, the shipped model's), only those the first stage drops (see :meth:`predict_proba`),
    which it keeps when it gives them ``rescue`` or more: a line's probability is then
    ``max(p1, p2)`` where ``p2 >= rescue``, else ``p1``, so a rescuer can keep lines and never drop
    one. ``spec`` is the JSON object written by :meth:`from_sklearn` / :meth:`save`.
    """

    def __init__(self, spec: dict[str, Any]) -> None:
        if spec.get("format") not in FORMATS:
            raise ValueError(
                f"expected a line model in format {FORMAT!r}, got {spec.get('format')!r}; "
                "retrain it with `stance train-cleaner`"
            )
        second = spec.get("second")
        if list(spec["features"]) != list(FEATURES) or (
            second is not None and list(second["features"]) != [*FEATURES, *CONTEXT]
        ):
            raise ValueError(
                "this line model was trained on other features than this version of stance computes; "
                "retrain it with `stance train-cleaner`"
            )
        self.spec = spec
        self.threshold = float(spec["threshold"])
        self.first = _Trees(spec["trees"])
        self.second = None if second is None else _Trees(second["trees"])
        self.rescue = None if second is None or second.get("rescue") is None else float(second["rescue"])

    @classmethod
    def from_sklearn(cls, model: Any, threshold: float, second_stage: Any = None, rescue: float | None = None,
                     **info: Any) -> TreeModel:
        """Export fitted binary ``HistGradientBoostingClassifier`` s: ``model`` on the line features,
        ``second_stage`` (if any) on the line features followed by the context features, a rescuer
        keeping at ``rescue`` or more when that is given."""
        spec: dict[str, Any] = {
            "format": FORMAT,
            "features": list(FEATURES),
            "threshold": float(threshold),
            "info": info,
            "trees": _Trees.export(model),
        }
        if second_stage is not None:
            spec["second"] = {"features": [*FEATURES, *CONTEXT], "trees": _Trees.export(second_stage)}
            if rescue is not None:
                spec["second"]["rescue"] = float(rescue)
        return cls(spec)

    @classmethod
    def load(cls, path: str | Path) -> TreeModel:
        """A line model saved by :meth:`save` (``stance train-cleaner --out DIR``): ``DIR`` or ``DIR/model.json``."""
        path = Path(path)
        if path.is_dir():
            path = path / "model.json"
        if not path.is_file():
            raise InputError(f"no line model at {path}; train one with `stance train-cleaner --out DIR`")
        expected = "expected the model.json that `stance train-cleaner --out DIR` writes"
        try:
            spec = json.loads(path.read_text(encoding="utf-8"))
        except ValueError as error:
            raise InputError(f"not JSON ({error}); {expected}", str(path)) from error
        try:
            return cls(spec)
        except ValueError as error:  # another format or other features: the message says to retrain
            raise InputError(str(error), str(path)) from error
        except (KeyError, TypeError, AttributeError) as error:
            raise InputError(f"not a line model ({type(error).__name__}: {error}); {expected}", str(path)) from error

    @classmethod
    def default(cls) -> TreeModel:
        """The model shipped with the package."""
        global _DEFAULT
        if _DEFAULT is None:
            text = resources.files("stance").joinpath("models/line-model/model.json").read_text(encoding="utf-8")
            _DEFAULT = cls(json.loads(text))
        return _DEFAULT

    def save(self, path: str | Path) -> Path:
        path = Path(path)
        if path.suffix != ".json":
            path.mkdir(parents=True, exist_ok=True)
            path = path / "model.json"
        temporary = path.with_name(f".{path.name}.tmp")
        try:  # a save cut short leaves the model that was there, never half a file
            temporary.write_text(self.dumps(), encoding="utf-8")
            os.replace(temporary, path)
        finally:
            temporary.unlink(missing_ok=True)
        return path

    def dumps(self) -> str:
        """The JSON text :meth:`save` writes."""
        return json.dumps(self.spec, separators=(",", ":"))

    def first_stage(self, X: np.ndarray) -> np.ndarray:
        """The first stage's probability that each line (row of ``X``, a document's lines in order)
        is content."""
        return _sigmoid(self.first.raw(X))

    def predict_proba(self, X: np.ndarray, rows: Sequence[int] | None = None,
                      threshold: float | None = None) -> np.ndarray:
        """Probability that each line (row of ``X``, a document's lines in order) is content, or
        that of the lines ``rows`` only: one stage evaluates just those; a second stage still reads
        the first stage's probabilities of every line. A rescuer judges the lines whose first-stage
        probability is under ``threshold`` (the one the caller drops at; default the model's) or
        under ``rescue``, whichever is higher."""
        if self.second is None:
            return self.first_stage(X if rows is None else X[rows])
        first = self.first_stage(X)
        if self.rescue is None:
            inputs = np.hstack((X, context_features(first, X)))
            return _sigmoid(self.second.raw(inputs if rows is None else inputs[rows]))
        own = first if rows is None else first[np.asarray(rows, dtype=np.intp)]
        below = max(self.threshold if threshold is None else threshold, self.rescue)
        low = np.flatnonzero(own < below)  # the rescuer judges only what the first stage drops
        if not len(low):
            return own
        picked = low if rows is None else np.asarray(rows, dtype=np.intp)[low]
        second = _sigmoid(self.second.raw(np.hstack((X[picked], context_features(first, X)[picked]))))
        out = own.copy()
        out[low] = np.where(second >= self.rescue, np.maximum(own[low], second), own[low])
        return out


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


_DEFAULT: TreeModel | None = None


class LineModel(Step):
    """Drops furniture: rule hits with the rule's reason, then what the line model judges furniture,
    then the hits of the rules it was trained without (``extra``, :class:`ExtraFurniture`).

    It runs after the comment step and deduplication: a pasted second copy of
    the article is gone by then, and does not look like repeated furniture.
    ``corpus`` and ``batch`` (set by the cleaner for a batch of documents)
    count the documents of the batch that hold each line. Documents of fewer
    than ``min_lines`` lines, or without a single article sentence (12+ words
    ending a sentence), are left to the rules: the model needs context.
    ``extra``: the rules run after the model (default :class:`ExtraFurniture`);
    pass your own :class:`~stance.cleaning.base.LineRules` to drop a site's
    furniture without retraining the model. ``tables``: in French documents (or
    too short to tell), keep the cells of a table inside the article
    (:func:`~stance.cleaning.tables.article_tables`) that the lone-number rule or
    the model dropped; ``table_near`` lines either side are looked at for the
    article's text, and ``key_values`` counts fact boxes of key-value pairs as
    tables; with ``table_captions``, a table that ends the article under its caption is kept with the caption
    (:func:`~stance.cleaning.tables.is_caption`); with ``table_words``, a table that ends the article right under
    its prose is kept when its cells name what the article's prose names (round CD); with ``table_odd_row``, a table
    may have one row off its columns' pattern however few its rows (round CM). ``site_copy``: in French
    documents, drop advertisers' copy and the site's tagline (:mod:`~stance.cleaning.sitecopy`). ``boxes``: in French
    documents, keep the lines of the article's own boxes ("Ce qu'il faut retenir",
    "Repères", ...; :func:`~stance.cleaning.boxes.article_boxes`) that the model dropped. ``forum``: in French
    documents, drop a forum thread's replies as reader comments (:func:`~stance.cleaning.comments.forum_replies`).
    ``credit_captions``: in French documents, drop a photo's caption right above its credit
    (:func:`~stance.cleaning.boilerplate.captions_over_credits`). ``source_notes``: in French documents, keep a
    source note right under the article's text (:func:`~stance.cleaning.boilerplate.source_notes`) that the caption
    rule dropped; with ``model_source_notes``, one that the model dropped too (rounds CP and CQ). ``sign_offs``: in
    French documents, keep the author's sign-off right under the article's last line ("Bonne semaine à tous,", "—
    Gilles Marchal"; :func:`~stance.cleaning.signoffs.sign_offs`) that the model dropped.

    >>> from stance.cleaning.base import LineRules, Rule
    >>> import re
    >>> class MySite(LineRules):
    ...     rules = (Rule("site widget", re.compile(r"Cours de l'or : .*")),)
    >>> LineModel(extra=MySite()).find(["Cours de l'or : 2 684 $", "Le titre"])
    {0: 'site widget'}
    """

    monotone = False
    # The languages whose documents keep their tables' cells (``tables``; None: every language). Round AW
    # wrote the step from French documents; round AY measured it on the real pages in other languages.
    table_languages: tuple[str, ...] | None = FRENCH_OR_UNTOLD

    def __init__(
        self,
        model: TreeModel | None = None,
        threshold: float | None = None,
        min_lines: int = 3,
        extra: LineRules | None = None,
        tables: bool = True,
        table_near: int = NEAR,
        key_values: bool = True,
        table_captions: bool = True,
        table_words: bool = True,
        table_odd_row: bool = True,
        site_copy: bool = True,
        boxes: bool = True,
        forum: bool = True,
        credit_captions: bool = True,
        source_notes: bool = True,
        model_source_notes: bool = True,
        sign_offs: bool = True,
    ) -> None:
        self.model = model if model is not None else TreeModel.default()
        self.threshold = self.model.threshold if threshold is None else threshold
        self.furniture = Boilerplate()
        self.extra = ExtraFurniture() if extra is None else extra
        self.form = CommentForm()
        self.min_lines = min_lines
        self.tables = tables
        self.table_near = table_near
        self.key_values = key_values
        self.table_captions = table_captions
        self.table_words = table_words
        self.table_odd_row = table_odd_row
        self.site_copy = site_copy
        self.boxes = boxes
        self.forum = forum
        self.credit_captions = credit_captions
        self.source_notes = source_notes
        self.model_source_notes = model_source_notes
        self.sign_offs = sign_offs
        self.corpus: Counter[str] | None = None
        self.batch = 1
        self._clear_caches()

    def _clear_caches(self) -> None:
        self._quiet: tuple[str, ...] | None = None  # the last lines found to hold nothing to drop
        self._cache: dict[str, np.ndarray] = {}
        self._cache_lang = ""
        self._checked: dict[str, list[Any]] = {}
        # The checks of a line as _checks gives them, for french None, True, False: a rerun looks them up.
        self._answers: tuple[dict[str, tuple[str | None, bool, str | None]], ...] = ({}, {}, {})

    def __getstate__(self) -> dict[str, Any]:
        # Caches are not the step: a copy starts without them, and pickles alike however much it ran
        # (datasets keys its cache on that pickle).
        return {key: value for key, value in self.__dict__.items()
                if key not in ("_quiet", "_cache", "_cache_lang", "_checked", "_answers")}

    def __setstate__(self, state: dict[str, Any]) -> None:
        # a step pickled before round AW had no tables, before rounds BA, BB, BQ, CA, CD, CE, CI, CJ, CL, CM and CQ
        # not the settings they added
        self.__dict__.update({"tables": True, "table_near": NEAR, "key_values": True, "table_captions": True,
                              "table_words": True, "table_odd_row": True, "site_copy": True, "boxes": True,
                              "forum": True, "credit_captions": True, "source_notes": True,
                              "model_source_notes": True, "sign_offs": True, **state})
        self._clear_caches()

    def set_batch(self, corpus: Counter[str] | None, batch: int) -> None:
        """Count, for each line key, the documents of the batch being cleaned that hold it
        (``None``, 1: one document alone)."""
        self.corpus, self.batch = corpus, batch
        self._quiet = None

    def rules(self, lines: Sequence[str]) -> dict[int, str]:
        """The furniture rules' reasons (:class:`~stance.cleaning.boilerplate.Boilerplate`)."""
        return _furniture(self._checks(lines, None))

    def _checks(self, lines: Sequence[str], french: bool | None = True) -> list[tuple[str | None, bool, str | None]]:
        """Each line's Boilerplate reason, whether it is a comment form's line, and the reason of the rules
        after the model (``french``: the document is French or too short to tell; ``None``: not asked)."""
        # Line rules do not depend on the other lines: reruns on what is kept reuse their answers. The rules
        # after the model include French-only ones, so they are asked, when needed, for French text or not.
        checked = self._checked
        if len(checked) > 50_000:
            checked.clear()
            for answers in self._answers:
                answers.clear()
        unasked = self._answers[0]
        answers = unasked if french is None else self._answers[1 if french else 2]
        out = list(map(answers.get, lines))  # a rerun finds every line there
        if None not in out:
            return out
        slot = 2 if french else 3
        for index, line in enumerate(lines):
            if out[index] is not None:
                continue
            entry = checked.get(line)
            if entry is None:
                entry = checked[line] = [self.furniture.check(line), self.form.check(line) is not None, _UNSET, _UNSET]
            # the answer without the rules after the model too, which features() asks next
            unasked[line] = (entry[0], entry[1], None)
            if french is None:
                out[index] = unasked[line]
                continue
            if entry[slot] is _UNSET:
                entry[slot] = self.extra.check(line, french) if entry[0] is None else None
            out[index] = answers[line] = (entry[0], entry[1], entry[slot])
        return out

    def features(self, lines: Sequence[str], reasons: dict[int, str], lang: str | None = None) -> np.ndarray:
        """The line features, ``reasons`` (from :meth:`rules`) marking the rule hits. Comment-form
        lines are a feature too (the comment step spares those of the article's opening). ``lang``:
        the document's language when the caller already told it (:func:`document_language` of ``lines``)."""
        rule = np.zeros(len(lines))
        rule[list(reasons)] = 1.0
        comment = np.array([form for _, form, _ in self._checks(lines, None)], dtype=np.float64)
        if lang is None:
            lang = document_language(lines)
        return line_features(
            lines, lang, rule=rule, comment=comment, corpus=self.corpus, batch=self.batch,
            intrinsic=self._intrinsic(lines, lang),
        )  # fmt: skip

    def _intrinsic(self, lines: Sequence[str], lang: str) -> np.ndarray:
        # A line's own features do not depend on the other lines: reruns on what is kept reuse them.
        if lang != self._cache_lang or len(self._cache) > 50_000:
            self._cache.clear()
            self._cache_lang = lang
        cache = self._cache
        missing = [line for line in dict.fromkeys(lines) if line not in cache]
        if missing:
            cache.update(zip(missing, intrinsic_features(missing, lang), strict=True))
        return np.array([cache[line] for line in lines])

    def content_probability(self, lines: Sequence[str]) -> np.ndarray:
        """Probability of each line being content, rules included as features.

        >>> LineModel().content_probability(["Accueil", "Newsletter", "Connexion"]).shape
        (3,)
        """
        return self.model.predict_proba(self.features(lines, self.rules(lines)), threshold=self.threshold)

    def find(self, lines: Sequence[str]) -> dict[int, str]:
        key = tuple(lines)
        if key == self._quiet:
            return {}
        lang = document_language(lines)
        checks = self._checks(lines, lang in FRENCH_OR_UNTOLD)
        reasons = _furniture(checks)
        if len(lines) >= self.min_lines:
            X = self.features(lines, reasons, lang)
            # Without a single article sentence there is nothing to tell furniture from.
            if X[0, _DOC_LONG_SHARE] > 0:
                rows = [index for index in range(len(lines)) if index not in reasons]  # rules' drops need no model
                content = self.model.predict_proba(X, rows, self.threshold)
                for row in np.flatnonzero(content < self.threshold).tolist():
                    reasons[rows[row]] = f"{MODEL_REASON} (p={1.0 - content[row]:.2f})"
        # The rules the model was trained without (ExtraFurniture): where one fires, the line goes with the
        # rule's reason, whatever the model said.
        for index, (_, _, extra) in enumerate(checks):
            if extra is not None:
                reasons[index] = extra
        # In a French document, advertisers' copy and the site's tagline (sitecopy.py)
        if self.site_copy and lang in FRENCH_OR_UNTOLD:
            for index in advertisers_copy(lines):
                reasons.setdefault(index, ADVERTISING)
            for index in taglines(lines):
                reasons.setdefault(index, TAGLINE)
        # A French table inside the article, one cell per line (tables.py): its cells stay, unless a rule
        # other than the lone number's recognised one.
        if self.tables and reasons and (self.table_languages is None or lang in self.table_languages):
            for start, stop in article_tables(lines, reasons.__contains__, self.table_near, self.key_values,
                                               self.table_captions, self.table_words, self.table_odd_row):
                for index in range(start, stop):
                    reason = reasons.get(index)
                    if reason is not None and (reason == LONE_NUMBER or reason.startswith(_MODEL_PREFIX)):
                        del reasons[index]
        # The article's own box in a French document (boxes.py): the lines the model dropped in it stay.
        if self.boxes and reasons and lang in FRENCH_OR_UNTOLD:
            for start, stop in article_boxes(lines, reasons.__contains__, lambda index: _ruled(reasons.get(index))):
                for index in range(start, stop):
                    if (reasons.get(index) or "").startswith(_MODEL_PREFIX):
                        del reasons[index]
        # A French forum thread's replies (comments.forum_replies): after the thread's second post header, nothing is
        # the opening post's (round CE).
        if self.forum and lang in FRENCH_OR_UNTOLD:
            for index in forum_replies(lines, reasons.__contains__):
                reasons.setdefault(index, COMMENT)
        # A French photo's caption right above its credit ("Photo Léa Fontanel"): round CI.
        if self.credit_captions and lang in FRENCH_OR_UNTOLD:
            for index in captions_over_credits(lines):
                reasons.setdefault(index, CAPTION)
        # A French source note right under the article's text is the article's, not a photo's credit (round CJ) nor
        # the furniture the model took it for (rounds CP and CQ).
        if self.source_notes and reasons and lang in FRENCH_OR_UNTOLD:
            for index in source_notes(lines, reasons.__contains__):
                reason = reasons.get(index) or ""
                if reason == CAPTION or (self.model_source_notes and reason.startswith(_MODEL_PREFIX)):
                    del reasons[index]
        # A French letter's or post's sign-off right under its last line, which the model dropped, is the article's:
        # round CL.
        if self.sign_offs and reasons and lang in FRENCH_OR_UNTOLD:
            for index in sign_offs(lines, reasons.__contains__,
                                   lambda index: reasons.get(index, "").startswith(_MODEL_PREFIX)):
                del reasons[index]
        if not reasons:
            self._quiet = key
        return reasons


_UNSET = object()  # a rule set not yet asked about a line


def _furniture(checks: Sequence[tuple[str | None, bool, str | None]]) -> dict[int, str]:
    """The Boilerplate rules' reasons among a document's line checks (:meth:`LineModel._checks`)."""
    return {index: furniture for index, (furniture, _, _) in enumerate(checks) if furniture is not None}


def _ruled(reason: str | None) -> bool:
    """Whether a furniture rule (not the model, not the lone-number rule a table's cells meet) gave ``reason``."""
    return reason is not None and reason != LONE_NUMBER and not reason.startswith(_MODEL_PREFIX)


def model_reason(reason: str) -> str:
    """A reason without the model's probability, for counting.

    >>> model_reason("boilerplate (p=0.94)"), model_reason("read-also link")
    ('boilerplate', 'read-also link')
    """
    return MODEL_REASON if reason.startswith(MODEL_REASON + " (p=") else reason
