from __future__ import annotations

import json
import pickle
import random
import re
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from stance.cleaning import Cleaner, ExtraFurniture, LineModel, LineRules, TreeModel, clean, default_steps
from stance.cleaning.base import Rule
from stance.cleaning.features import context_features
from stance.cleaning.linemodel import _Trees, model_reason
from stance.cleaning.training import (
    FIRST_STAGE,
    FRENCH_WEIGHT,
    RESCUE_KEEP,
    SECOND_STAGE,
    cross_validate,
    document_pages,
    fit_cost,
    fit_stages,
    fit_trees,
    format_selection,
    page_features,
    read_page,
    rerun_to_fixed_point,
    retrain_command,
    search_threshold,
    select_fit,
    shipped_fit,
    shipped_second,
)
from stance.errors import InputError

SENTENCES = [
    "La Bourse de Paris a terminé la séance de vendredi en hausse de 1,2 %, portée par les banques.",
    "Les investisseurs ont salué des chiffres d'inflation plus faibles que prévu aux États-Unis.",
    "Le rendement de l'emprunt d'État à dix ans a reculé à 3,1 %, son plus bas niveau depuis juin.",
    "Les valeurs du luxe ont profité du rebond des ventes en Chine, selon plusieurs analystes.",
    "Le pétrole a cédé du terrain après l'annonce d'une hausse des stocks américains.",
    "La banque centrale doit se réunir la semaine prochaine pour décider de ses taux directeurs.",
]
FURNITURE = ["Accueil", "Économie", "Marchés", "Se connecter", "Les plus lus", "Mentions légales", "Contact",
             "Nous suivre", "Plan du site", "Podcasts", "Météo", "Votre avis nous intéresse"]


def tiny_pages(count: int = 24, seed: int = 0) -> list[dict]:
    """Pages of invented sites: furniture around a few article sentences."""
    rng = random.Random(seed)
    pages = []
    for n in range(count):
        head = rng.sample(FURNITURE, 4)
        body = rng.sample(SENTENCES, 3)
        foot = rng.sample(FURNITURE, 3)
        lines = head + body + foot
        labels = [0] * len(head) + [1] * len(body) + [0] * len(foot)
        pages.append(read_page({"id": f"p{n}", "site": f"site{n % 6}.fr", "lines": lines, "labels": labels}))
    return pages


@pytest.fixture(scope="module")
def tiny_model() -> TreeModel:
    pages = tiny_pages()
    X, y, _, _ = page_features(pages)
    trees = fit_trees(X, y, iterations=15, furniture_keep=1.0)
    model = TreeModel.from_sklearn(trees, 0.5)
    # numpy evaluation of the exported trees matches scikit-learn's
    Xa = np.vstack(X)
    assert np.abs(model.predict_proba(Xa) - trees.predict_proba(Xa)[:, 1]).max() < 1e-9
    return model


@pytest.fixture(scope="module")
def two_stage_model() -> TreeModel:
    pages = tiny_pages()
    features = page_features(pages)
    first, second = fit_stages(pages, features, folds=3, second={"iterations": 8, "furniture_keep": 1.0},
                               iterations=15, furniture_keep=1.0)
    model = TreeModel.from_sklearn(first, 0.5, second_stage=second)
    # numpy evaluation of both exported stages matches scikit-learn's
    X = features[0][0]
    p = first.predict_proba(X)[:, 1]
    assert np.abs(model.first_stage(X) - p).max() < 1e-9
    expected = second.predict_proba(np.hstack((X, context_features(p, X))))[:, 1]
    assert np.abs(model.predict_proba(X) - expected).max() < 1e-9
    return model


@pytest.fixture(scope="module")
def rescuer_model() -> TreeModel:
    pages = tiny_pages()
    features = page_features(pages)
    # a first stage too small to be sure of anything, so that it drops some article lines to rescue
    first, second = fit_stages(pages, features, folds=3, second={"iterations": 8, "furniture_keep": 1.0},
                               rescue_below=0.55, iterations=1, furniture_keep=1.0)
    return TreeModel.from_sklearn(first, 0.5, second_stage=second, rescue=0.5)


def test_a_rescuer_judges_only_the_dropped_lines_and_never_drops_one(rescuer_model: TreeModel) -> None:
    from sklearn.ensemble import HistGradientBoostingClassifier  # noqa: F401  (fitted models are sklearn's)

    lines = ["Accueil", "Marchés", *SENTENCES[:3], "Mentions légales", "Plan du site"]
    X = LineModel(model=rescuer_model).features(lines, {})
    p1 = rescuer_model.first_stage(X)
    p2 = 1.0 / (1.0 + np.exp(-rescuer_model.second.raw(np.hstack((X, context_features(p1, X))))))
    expected = np.where((p1 < 0.5) & (p2 >= 0.5), np.maximum(p1, p2), p1)
    p = rescuer_model.predict_proba(X)
    assert np.allclose(p, expected, atol=1e-12, rtol=0)
    assert np.all(p >= p1)  # it can keep a line, never drop one
    assert np.allclose(rescuer_model.predict_proba(X, [1, 2, 5]), p[[1, 2, 5]], atol=1e-12, rtol=0)


def test_a_rescuer_round_trips_and_an_older_second_stage_still_decides_every_line(
        rescuer_model: TreeModel, two_stage_model: TreeModel, tmp_path: Path) -> None:
    loaded = TreeModel.load(rescuer_model.save(tmp_path / "rescuer"))
    assert loaded.spec == rescuer_model.spec and loaded.rescue == 0.5
    assert loaded.spec["format"] == "stance-line-model/3"
    older = json.loads(json.dumps(two_stage_model.spec))
    older["format"] = "stance-line-model/2"  # written before rescuers: its second stage decides every line
    assert TreeModel(older).rescue is None and TreeModel(older).second is not None


def test_a_rescuer_learns_only_from_the_lines_the_first_stage_drops(monkeypatch: pytest.MonkeyPatch,
                                                                    caplog: pytest.LogCaptureFixture) -> None:
    from stance.cleaning import training
    from stance.cleaning.features import FEATURES

    pages = tiny_pages()
    features = page_features(pages)
    X = features[0]
    calls = []

    def recording(inputs, labels, **kwargs):  # type: ignore[no-untyped-def]
        calls.append((np.vstack(inputs), np.concatenate([np.asarray(label) for label in labels])))
        return fit_trees(inputs, labels, **kwargs)

    monkeypatch.setattr(training, "fit_trees", recording)
    rule = FEATURES.index("rule")
    unruled = sum(int(np.sum(x[:, rule] == 0)) for x in X)
    # under 1.01 every line no rule drops is judged; the rules' hits never are
    fit_stages(pages, features, folds=3, second={"iterations": 3, "furniture_keep": 1.0}, rescue_below=1.01,
               iterations=1, furniture_keep=1.0)
    judged, _ = calls[-1]
    assert len(judged) == unruled < sum(len(x) for x in X) and not judged[:, rule].any()
    # under 0.45 only those the inner first stages call furniture (they give furniture 0.41, content
    # 0.51): all furniture, nothing to learn to rescue, so one stage, and the warning says why
    caplog.clear()
    first, rescuer = fit_stages(pages, features, folds=3, second={"iterations": 3}, rescue_below=0.45,
                                iterations=1, furniture_keep=1.0)
    assert rescuer is None and first is not None
    assert "no rescuer: the lines the first stage drops out of fold hold only furniture" in caplog.text
    caplog.clear()
    fit_stages(pages, features, folds=3, second={"iterations": 3}, rescue_below=1e-9, iterations=1,
               furniture_keep=1.0)
    assert "hold no labelled line" in caplog.text


@pytest.mark.parametrize(("depth", "min_leaf"), [(1, 5), (3, 5), (None, 5), (6, 150)])
def test_the_numpy_walk_matches_scikit_learn_at_any_depth(depth: int | None, min_leaf: int) -> None:
    # stumps, shallow trees, trees 16 deep, and trees of one leaf among deeper ones; one row and none
    from sklearn.ensemble import HistGradientBoostingClassifier

    rng = np.random.default_rng(0)
    X = rng.normal(size=(400, 7))
    y = (X[:, 0] + X[:, 1] * X[:, 2] + rng.normal(size=400) > 0).astype(int)
    fitted = HistGradientBoostingClassifier(max_iter=20, max_depth=depth, min_samples_leaf=min_leaf,
                                            early_stopping=False).fit(X, y)
    trees = _Trees(_Trees.export(fitted))
    Z = rng.normal(size=(50, 7))
    assert np.abs(trees.raw(Z) - fitted.decision_function(Z)).max() < 1e-9
    assert np.abs(trees.raw(Z[:1]) - fitted.decision_function(Z[:1])).max() < 1e-9
    assert trees.raw(Z[:0]).shape == (0,)


def test_two_stage_model_round_trips_and_drops_furniture(two_stage_model: TreeModel, tmp_path: Path) -> None:
    loaded = TreeModel.load(two_stage_model.save(tmp_path / "two"))
    assert loaded.second is not None and loaded.spec == two_stage_model.spec
    lines = ["Accueil", "Marchés", *SENTENCES[:3], "Mentions légales", "Plan du site"]
    X = LineModel(model=loaded).features(lines, {})
    assert np.allclose(loaded.predict_proba(X), two_stage_model.predict_proba(X), atol=1e-12, rtol=0)
    drops = LineModel(model=loaded).find(lines)
    assert set(drops) == {0, 1, 5, 6}
    assert all(reason.startswith("boilerplate (p=0.") for reason in drops.values())


def _nested_runs(fit: dict, second: dict, **rescue: float) -> tuple[list[dict], tuple, dict, dict]:
    """Tiny pages, their features, and the out-of-fold runs of one stage and of two (3 folds)."""
    from stance.cleaning.training import out_of_fold

    pages = tiny_pages(count=18, seed=3)
    features = page_features(pages)
    one = out_of_fold(pages, features, folds=3, log=lambda _: None, **fit)
    two = out_of_fold(pages, features, folds=3, log=lambda _: None, second=second, **rescue, **fit)
    return pages, features, one, two


def test_two_stages_are_cross_validated_nested_and_compared_in_the_card(tmp_path: Path) -> None:
    from stance.cleaning.training import compare_stages, save_with_card, train

    fit = {"iterations": 6, "furniture_keep": 1.0}
    second = {"iterations": 4, "max_depth": 3, "learning_rate": 0.1, "furniture_keep": 1.0}
    pages, features, one, two = _nested_runs(fit, second)
    assert all(model.second is not None for model in two["models"]) and two["second"] == second
    # the two-stage run's first stages are the one-stage run's models: no second one-stage run needed
    assert all(np.allclose(a, b) for a, b in zip(two["first_alone"], one["alone"], strict=True))
    rows = compare_stages(pages, two)
    assert [row["model"] for row in rows] == ["first stage alone", "two stages"]
    threshold, results = cross_validate(pages, features=features, oof=two, second=second, log=lambda _: None, **fit)
    results["stages"] = rows
    model = train(pages, threshold, features=features, second=second, folds=3, **fit)
    save_with_card(model, tmp_path / "card", results, [Path("pages.jsonl")])
    card = (tmp_path / "card" / "README.md").read_text(encoding="utf-8")
    assert "two stages: 6 gradient-boosted trees" in card and "| two stages |" in card
    assert TreeModel.load(tmp_path / "card").spec["info"]["second"] == second


def test_a_rescuer_is_cross_validated_nested_and_compared_in_the_card(tmp_path: Path) -> None:
    from stance.cleaning.training import rescuer_scores, save_with_card, train

    fit = {"iterations": 1, "furniture_keep": 1.0}
    second = {"iterations": 20, "max_depth": 3, "learning_rate": 0.3, "furniture_keep": 1.0}
    # a threshold above what this tiny first stage gives content (0.51): it drops article lines to rescue
    threshold = 0.55
    pages, features, one, both = _nested_runs(fit, second, rescue_below=threshold)
    _, first = cross_validate(pages, features=features, oof=one, log=lambda _: None, **fit)
    first["threshold"] = threshold
    assert all(model.rescue == 0.5 for model in both["models"])
    # the rescuer's run has the one-stage run's first stages, and can only raise their probabilities
    assert all(np.allclose(a, b) for a, b in zip(both["first_alone"], one["alone"], strict=True))
    assert all(np.all(a >= b) for a, b in zip(both["alone"], one["alone"], strict=True))
    results = rescuer_scores(pages, both, threshold, first)
    assert results["rescue"]["first_stage"] == first["cleaner"] and results["threshold"] == threshold
    assert results["cleaner"]["all"]["lines"]["recall"] == 1.0  # what the first stage drops at 0.55, it rescues
    model = train(pages, threshold, features=features, second=second, folds=3, rescuer=True, **fit)
    assert model.rescue == 0.5 and model.spec["info"]["rescuer"] == {"below": threshold, "keep": 0.5}
    save_with_card(model, tmp_path / "card", results, [Path("pages.jsonl")])
    card = (tmp_path / "card" / "README.md").read_text(encoding="utf-8")
    assert "then a rescuer, 20 more trees" in card and "| all | " in card and "with the rescuer: line F1" in card
    with pytest.raises(ValueError, match="a rescuer is a second stage"):
        train(pages, threshold, features=features, rescuer=True, **fit)


def test_a_one_stage_model_of_the_first_format_still_loads(tiny_model: TreeModel) -> None:
    spec = json.loads(json.dumps(tiny_model.spec))
    spec["format"] = "stance-line-model/1"
    assert TreeModel(spec).second is None


def test_a_second_stage_of_other_features_is_refused(two_stage_model: TreeModel) -> None:
    spec = json.loads(json.dumps(two_stage_model.spec))
    spec["second"]["features"] = spec["second"]["features"][:-1]
    with pytest.raises(ValueError, match="retrain it with `stance train-cleaner`"):
        TreeModel(spec)


def test_a_second_stage_needs_pages_of_two_sites() -> None:
    pages = [{**page, "group": "one-site.fr"} for page in tiny_pages(count=6)]
    with pytest.raises(InputError, match=r"at least 2 sites.*--no-rescuer"):
        fit_stages(pages, page_features(pages), second={"iterations": 2}, iterations=2)


def test_exported_model_round_trips_through_json(tiny_model: TreeModel, tmp_path: Path) -> None:
    path = tiny_model.save(tmp_path / "line-model")
    assert path.name == "model.json"
    loaded = TreeModel.load(tmp_path / "line-model")
    X = np.random.default_rng(0).normal(size=(7, len(tiny_model.spec["features"])))
    assert np.allclose(loaded.predict_proba(X), tiny_model.predict_proba(X), atol=1e-12, rtol=0)


def test_a_model_of_other_features_is_refused(tiny_model: TreeModel) -> None:
    spec = json.loads(json.dumps(tiny_model.spec))
    spec["features"] = spec["features"][:-1]
    with pytest.raises(ValueError, match="retrain it with `stance train-cleaner`"):
        TreeModel(spec)


def test_model_drops_furniture_with_its_probability(tiny_model: TreeModel) -> None:
    lines = ["Accueil", "Marchés", *SENTENCES[:3], "Mentions légales", "Plan du site"]
    drops = LineModel(model=tiny_model).find(lines)
    assert set(drops) == {0, 1, 5, 6}
    assert all(reason.startswith("boilerplate (p=0.") and reason.endswith(")") for reason in drops.values())


def test_a_rule_reason_wins_over_the_model(tiny_model: TreeModel) -> None:
    drops = LineModel(model=tiny_model).find(["Accueil", *SENTENCES[:3], "Partager", "Lire aussi : la suite"])
    assert drops[4] == "share or reaction button"
    assert drops[5] == "read-also link"


def test_extra_furniture_drops_what_the_model_keeps_and_is_no_feature(tiny_model: TreeModel) -> None:
    # "Camille Roussel · 4 février 2027" is a byline no Boilerplate rule knows: ExtraFurniture drops it
    # after the model, with its rule's reason (whatever the model said), and the model's features of every
    # line stay as they were.
    byline = "Camille Roussel · 4 février 2027"
    step = LineModel(model=tiny_model)
    lines = [byline, *SENTENCES[:3]]
    assert step.rules(lines) == {}
    assert step.find(lines) == {0: "date or byline stub"}
    without = LineModel(model=tiny_model, extra=LineRules())  # the same step without the extra rules
    assert "date or byline stub" not in without.find(lines).values()
    assert np.array_equal(step.features(lines, step.rules(lines)), without.features(lines, without.rules(lines)))
    # a line of a document too short for the model is left to both rule sets
    assert step.find(["Marchés", "Lecture : 4 min"]) == {1: "date or byline stub"}


def test_the_french_rules_after_the_model_skip_a_document_in_another_language(tiny_model: TreeModel) -> None:
    # Round AV's rules (ExtraFurniture.french_rules) are French words: on an English page they match nothing
    # and would only cost time, so the model's step leaves them out there.
    step = LineModel(model=tiny_model)
    label = "Sponsorisé · Partenaire"
    assert step.find([*SENTENCES[:3], label])[3] == "advertising"
    english = ["Stocks rallied on Friday as investors cheered a strong set of quarterly results from the banks.",
               "The central bank kept its key rate unchanged and said inflation was easing faster than expected.",
               "Oil prices fell for a third day as supply worries faded and demand forecasts were cut again.",
               label]
    assert step.find(english).get(3) != "advertising"
    # and each line is asked once, for the document's language only (features and reruns reuse the answers)
    asked: list[tuple[str, bool]] = []

    class Counting(ExtraFurniture):
        def check(self, line: str, french: bool = True) -> str | None:
            asked.append((line, french))
            return super().check(line, french)

    counting = LineModel(model=tiny_model, extra=Counting())
    counting.find(english)
    counting.find(english[:3])
    assert sorted(asked) == sorted((line, False) for line in english)


class _Widgets(LineRules):
    """A user's own rules for one site's furniture (module level: clean workers unpickle it)."""

    rules = (Rule("weather widget", re.compile(r"Météo : .{1,40}")),)


def test_a_user_s_extra_rules_drop_a_site_s_furniture_without_a_retrain(tiny_model: TreeModel) -> None:
    step = LineModel(model=tiny_model, extra=_Widgets())
    lines = [*SENTENCES[:3], "Météo : 12 °C, averses"]
    assert step.find(lines)[3] == "weather widget"
    assert pickle.loads(pickle.dumps(step)).find(lines)[3] == "weather widget"  # clean workers get it too


class _MoreFurniture(ExtraFurniture):
    """ExtraFurniture's rules kept, one site's widget added (README, "Cleaning")."""

    rules = (*ExtraFurniture.rules, Rule("weather widget", re.compile(r"Météo : .{1,40}")))


def test_extra_furniture_extended_keeps_its_rules_and_runs_in_the_cleaner(tiny_model: TreeModel) -> None:
    step = LineModel(model=tiny_model, extra=_MoreFurniture())
    lines = ["Camille Roussel · 4 février 2027", *SENTENCES[:3], "Météo : 12 °C, averses"]
    drops = step.find(lines)
    assert (drops[0], drops[4]) == ("date or byline stub", "weather widget")
    steps = [step if isinstance(s, LineModel) else s for s in default_steps(line_model=tiny_model)]
    dropped = {d.line: d.reason for d in Cleaner(steps=steps).clean("\n".join(lines)).dropped}
    assert dropped["Météo : 12 °C, averses"] == "weather widget"
    assert dropped["Camille Roussel · 4 février 2027"] == "date or byline stub"


def test_too_short_a_document_is_left_to_the_rules(tiny_model: TreeModel) -> None:
    assert LineModel(model=tiny_model).find(["Marchés", "Se connecter"]) == {1: "newsletter or subscription notice"}


def test_rerunning_on_what_it_keeps_converges(tiny_model: TreeModel) -> None:
    step = LineModel(model=tiny_model)
    lines = ["Accueil", "Podcasts", *SENTENCES, "Contact", "Météo"]
    keep = rerun_to_fixed_point(step, lines)
    kept = [line for line, k in zip(lines, keep, strict=True) if k]
    assert step.find(kept) == {}


def test_model_reason_is_counted_without_its_probability() -> None:
    assert model_reason("boilerplate (p=0.94)") == "boilerplate"
    assert model_reason("duplicate line") == "duplicate line"


def test_cross_validation_is_grouped_by_site_and_scores_each_source(tiny_model: TreeModel) -> None:
    pages = tiny_pages(count=18, seed=1)
    threshold, results = cross_validate(pages, folds=3, log=lambda _: None, iterations=10, furniture_keep=1.0)
    assert 0.05 <= threshold <= 0.7
    assert set(results["alone"]) == {"all", "pages", "pages/und"}
    assert results["cleaner"]["all"]["snippets"]["f1"] > 0.5


def test_the_threshold_search_goes_below_its_start_while_the_lowest_ties_with_the_best() -> None:
    asked: list[float] = []

    def scores(table: dict[float, float]):
        def score_at(t: float) -> float:
            asked.append(t)
            return table[t]
        return score_at

    # rising to the lower edge of the start: two more tried, the lowest within TIE (0.001) of the best chosen
    rising = {0.45: 0.9271, 0.4: 0.9273, 0.35: 0.9278, 0.3: 0.9281, 0.25: 0.9280, 0.2: 0.9268, 0.15: 0.5}
    assert search_threshold(scores(rising), [0.45, 0.4, 0.35, 0.3]) == 0.25
    assert asked == [0.3, 0.35, 0.4, 0.45, 0.25, 0.2]
    # the best inside the start and the lowest below it by more than TIE: nothing more is tried
    asked.clear()
    inside = {0.35: 0.9190, 0.3: 0.9200, 0.25: 0.9185, 0.2: 0.9150, 0.15: 0.5}
    assert search_threshold(scores(inside), [0.35, 0.3, 0.25, 0.2]) == 0.3
    assert asked == [0.2, 0.25, 0.3, 0.35]
    # level all the way down: the search stops at the floor
    asked.clear()
    assert search_threshold(scores({t / 100: 0.9 for t in range(5, 50, 5)}), [0.3, 0.35], floor=0.05) == 0.05
    assert asked == [0.3, 0.35, 0.25, 0.2, 0.15, 0.1, 0.05]


def test_settings_are_chosen_by_grouped_cv_cheapest_among_ties() -> None:
    pages = tiny_pages(count=18, seed=2)
    features = page_features(pages)
    # Both settings separate these pages perfectly: the cheaper one wins the tie.
    grid = (
        {"iterations": 12, "max_depth": 3, "learning_rate": 0.3},
        {"iterations": 6, "max_depth": 2, "learning_rate": 0.3},
    )
    fit, table, oof = select_fit(pages, features, grid=grid, folds=3, log=lambda _: None, furniture_keep=1.0)
    assert [row["chosen"] for row in table] == [False, True]
    assert fit == {"furniture_keep": 1.0, **grid[1]} and fit_cost(grid[1]) < fit_cost(grid[0])
    assert all(row["score"] > 0.9 for row in table)
    assert oof["fit"] == fit and len(oof["models"]) == 3
    # The chosen run's predictions serve the threshold choice without refitting.
    threshold, results = cross_validate(pages, features=features, oof=oof, log=lambda _: None)
    assert results["folds"] == 3 and 0.05 <= threshold <= 0.7
    assert "| 6 | 2 | 0.3 |" in format_selection(table, 3)


def test_batch_corpus_frequency_reaches_the_model() -> None:
    cleaner = Cleaner()
    model = next(step for step in cleaner.steps if isinstance(step, LineModel))
    seen = []
    original = model.features

    def spy(lines, reasons, lang=None):  # type: ignore[no-untyped-def]
        seen.append(model.batch)
        return original(lines, reasons, lang)

    model.features = spy  # type: ignore[method-assign]
    pages = [f"{s}\n\nLes plus lus\n\nAccueil\n\nMentions légales" for s in SENTENCES[:3]]
    results = cleaner.clean_batch(pages)
    assert seen and set(seen) == {3}
    assert model.batch == 1  # reset after the batch
    assert [r.text.split("\n\n")[0] for r in results] == SENTENCES[:3]


def test_a_page_twice_in_a_batch_counts_once() -> None:
    """A repeated page is no evidence that its lines are a site's furniture: the batch counts
    distinct texts, so the page and its copy are cleaned as if it were there once."""
    cleaner = Cleaner()
    model = next(step for step in cleaner.steps if isinstance(step, LineModel))
    seen = []
    original = model.features

    def spy(lines, reasons, lang=None):  # type: ignore[no-untyped-def]
        seen.append((model.batch, max(model.corpus.values())))
        return original(lines, reasons, lang)

    model.features = spy  # type: ignore[method-assign]
    pages = [f"{s}\n\nLes plus lus\n\nAccueil\n\nMentions légales" for s in SENTENCES[:3]]
    twice = cleaner.clean_batch([*pages, pages[0]])
    assert set(seen) == {(3, 3)}  # three distinct pages; "Accueil" in each of them
    assert [r.text for r in twice] == [r.text for r in cleaner.clean_batch(pages)] + [twice[0].text]


def test_shipped_model_loads_and_has_a_card() -> None:
    model = TreeModel.default()
    assert 0.0 < model.threshold < 1.0
    # the shipped model is what `stance train-cleaner` trains by default: the first stage and its rescuer
    assert model.rescue == RESCUE_KEEP and shipped_second() == SECOND_STAGE
    assert model.spec["info"]["rescuer"] == {"below": model.threshold, "keep": RESCUE_KEEP}
    folder = Path(__file__).resolve().parents[2] / "stance" / "models" / "line-model"
    assert (folder / "model.json").stat().st_size <= 5_000_000
    card = (folder / "README.md").read_text(encoding="utf-8")
    assert "DAniEL" in card and "GPL-3.0" in card and "Scrapinghub" in card and "MIT" in card


def test_non_french_article_is_kept_and_flagged() -> None:
    text = "\n\n".join(
        [
            "Home",
            "News",
            "The central bank kept its rates on hold on Thursday, and said inflation was still too high for a cut.",
            "Markets were calm and the dollar was little changed in London trading, while bond yields edged lower.",
            "Analysts expect the first cut in the spring, if wage growth keeps slowing as it did last quarter.",
        ]
    )
    result = clean(text)
    assert result.language == "en"
    assert result.flags == ("not French",)
    assert sum("central bank" in p or "Markets" in p or "Analysts" in p for p in result.paragraphs) == 3


@pytest.mark.slow  # trains the shipped model's 300 trees, then two stages, on tiny pages (a few seconds)
def test_train_cleaner_with_a_threshold_keeps_the_shipped_settings(tmp_path: Path,
                                                                   caplog: pytest.LogCaptureFixture) -> None:
    from stance.cli import main

    data = tmp_path / "pages.jsonl"
    data.write_text("".join(json.dumps({"id": p["id"], "site": p["group"], "lines": p["lines"],
                                        "labels": list(map(int, p["labels"]))}) + "\n"
                            for p in tiny_pages()), encoding="utf-8")
    # by default with a rescuer, but 300 trees drop no article line of these pages: nothing to rescue
    assert main(["train-cleaner", "--data", str(data), "--no-french-pages", "--threshold", "0.4",
                 "--out", str(tmp_path / "model")]) == 0
    # logged as the command's other warnings are ("stance: WARNING: ..."), not a Python warning with a file and line
    assert [(r.name, r.levelname) for r in caplog.records if "no rescuer" in r.getMessage()] == [("stance", "WARNING")]
    assert "the lines the first stage drops out of fold hold only furniture" in caplog.text
    trained = TreeModel.load(tmp_path / "model")
    assert trained.spec["info"]["fit"] == shipped_fit() == {"iterations": 300, "max_depth": 6, "learning_rate": 0.1}
    assert trained.second is None and trained.spec["info"]["second"] is None and "rescuer" not in trained.spec["info"]
    assert trained.threshold == 0.4
    assert main(["train-cleaner", "--data", str(data), "--no-french-pages", "--threshold", "0.4", "--no-rescuer",
                 "--out", str(tmp_path / "one")]) == 0
    assert TreeModel.load(tmp_path / "one").spec["trees"] == trained.spec["trees"]
    assert main(["train-cleaner", "--data", str(data), "--second-stage", "--no-french-pages", "--threshold",
                 "0.4", "--out", str(tmp_path / "two")]) == 0
    two = TreeModel.load(tmp_path / "two")
    assert two.second is not None and two.spec["info"]["fit"] == FIRST_STAGE and two.rescue is None
    assert two.spec["info"]["second"] == SECOND_STAGE
    # each card names the command that trains its model again: the settings and threshold it was given
    card = (tmp_path / "two" / "README.md").read_text(encoding="utf-8")
    assert ("`stance train-cleaner --iterations 100 --depth 6 --learning-rate 0.1 --threshold 0.4 --second-stage`"
            in card)
    card = (tmp_path / "one" / "README.md").read_text(encoding="utf-8")
    assert "`stance train-cleaner --iterations 300 --depth 6 --learning-rate 0.1 --threshold 0.4 --no-rescuer`" in card


@pytest.mark.slow  # trains the shipped settings' 300 trees in three folds and once more on tiny pages (seconds)
def test_a_threshold_given_can_still_be_cross_validated_for_the_card(tmp_path: Path) -> None:
    from stance.cli import main

    data = tmp_path / "pages.jsonl"
    data.write_text("".join(json.dumps({"id": p["id"], "site": p["group"], "lines": p["lines"],
                                        "labels": list(map(int, p["labels"]))}) + "\n"
                            for p in tiny_pages()), encoding="utf-8")
    common = ["train-cleaner", "--data", str(data), "--no-french-pages", "--threshold", "0.4", "--no-rescuer"]
    assert main([*common, "--cross-validate", "--folds", "3", "--out", str(tmp_path / "scored")]) == 0
    assert main([*common, "--out", str(tmp_path / "plain")]) == 0
    scored = TreeModel.load(tmp_path / "scored")
    assert scored.threshold == 0.4  # given, not chosen
    assert scored.spec["trees"] == TreeModel.load(tmp_path / "plain").spec["trees"]  # the same model
    card = (tmp_path / "scored" / "README.md").read_text(encoding="utf-8")
    assert "threshold 0.4 given to the command (`--threshold 0.4 --cross-validate`) and scored" in card
    assert "| cleaner | all |" in card  # the cross-validation's scores at it
    assert ("`stance train-cleaner --iterations 300 --depth 6 --learning-rate 0.1 --threshold 0.4 --cross-validate "
            "--no-rescuer`") in card
    assert "No cross-validation was run" in (tmp_path / "plain" / "README.md").read_text(encoding="utf-8")


@pytest.mark.slow  # trains the shipped settings' 300 trees twice on tiny pages (a few seconds)
def test_pages_in_french_weigh_more_in_training_as_told(tmp_path: Path) -> None:
    from stance.cli import main

    data = tmp_path / "pages.jsonl"
    # every other site is "French": its pages weigh --french-weight, the others 1
    data.write_text("".join(json.dumps({"id": p["id"], "site": p["group"], "lines": p["lines"],
                                        "labels": list(map(int, p["labels"])),
                                        "lang": "fr" if int(p["group"][4]) % 2 else "en"}) + "\n"
                            for p in tiny_pages()), encoding="utf-8")
    common = ["train-cleaner", "--data", str(data), "--no-french-pages", "--threshold", "0.4"]
    assert main([*common, "--out", str(tmp_path / "even")]) == 0  # the default: every page alike
    assert main([*common, "--out", str(tmp_path / "french"), "--french-weight", "4"]) == 0
    even, french = TreeModel.load(tmp_path / "even"), TreeModel.load(tmp_path / "french")
    assert "french_weight" not in even.spec["info"] and FRENCH_WEIGHT == 1.0
    assert french.spec["info"]["french_weight"] == 4.0
    assert even.spec["trees"]["value"] != french.spec["trees"]["value"]  # the weights reach the trees
    assert "Each page in French weighs 4 in training" in (tmp_path / "french" / "README.md").read_text("utf-8")
    assert "weighs" not in (tmp_path / "even" / "README.md").read_text("utf-8")
    assert main([*common, "--out", str(tmp_path / "bad"), "--french-weight", "0"]) == 2
    assert not (tmp_path / "bad").exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"lines": ["a", "b"], "labels": [1]}\n', r"pages.jsonl:1: page None: 2 lines but 1 labels"),
        ('{"lines": ["a"], "labels": [5]}\n', r"pages.jsonl:1: page None: label 5; expected a page"),
        ('{"text": "a"}\n', r"pages.jsonl:1: not a line-labelled page"),
        ('{"lines": ["a"], "labels": [1]}\n{oops\n', r"pages.jsonl:2: malformed JSON"),
        ("\n", r"no labelled pages found in .*pages.jsonl"),
        ('{"lines": ["a"], "labels": [1], "meta": ' + "[" * 3000 + "]" * 3000 + "}\n",
         r"pages.jsonl:1: JSON nested too deeply to be read"),
        ('{"id": "p1", "site": 7, "lines": ["a"], "labels": [1]}\n', r"pages.jsonl:1: page 'p1': 'site' is int \(7\)"),
        ('{"id": "p1", "url": ["x"], "lines": ["a"], "labels": [1]}\n', r"page 'p1': 'url' is list"),
        ('{"id": "p1", "lines": ["a \\ud800"], "labels": [1]}\n', r"page 'p1': a line holds a lone surrogate"),
    ],
)
def test_bad_pages_name_their_line(tmp_path: Path, content: str, message: str) -> None:
    from stance.cleaning.training import read_pages

    (tmp_path / "pages.jsonl").write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=message):
        read_pages([tmp_path / "pages.jsonl"])


def test_train_cleaner_refuses_bad_options_and_outputs_before_reading_pages(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from stance.cli import main

    absent = str(tmp_path / "no-pages")  # never reached: every refusal comes first
    base = ["train-cleaner", "--data", absent, "--no-french-pages"]
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "README.md").write_text("mes notes", encoding="utf-8")
    (tmp_path / "a-file").write_text("x", encoding="utf-8")
    for extra, message in [
        (["--folds", "1"], "--folds 1: cross-validation needs 2 folds or more"),
        (["--threshold", "2"], "--threshold 2.0: expected a probability between 0 and 1"),
        (["--cross-validate"], "--cross-validate goes with --threshold T"),
        (["--learning-rate", "0"], "--learning-rate 0.0: expected a number > 0"),
        (["--french-weight", "inf"], "--french-weight inf: expected a finite weight"),
        (["--out", str(tmp_path / "a-file")], "a-file is a file; expected a folder"),
        (["--out", str(tmp_path / "notes")], "notes holds files that are no line model"),
    ]:
        assert main([*base, *extra]) == 2, extra
        assert message in capsys.readouterr().err
    assert main([*base, "--out", str(tmp_path / "new")]) == 2
    assert "no pages at" in capsys.readouterr().err


def test_documents_read_as_pages_of_content_only_are_named_in_the_retrain_command(tmp_path: Path) -> None:
    documents = tmp_path / "documents.jsonl"
    documents.write_text(json.dumps({"id": "d1", "text": "Le titre\n\nLe premier paragraphe de l'article, assez "
                                     "long pour compter.\n\nEn bref :\n\nUn point."}) + "\n", encoding="utf-8")
    (page,) = document_pages(documents)
    assert page["lines"] == ["Le titre", "Le premier paragraphe de l'article, assez long pour compter.", "En bref :",
                             "Un point."]
    assert page["labels"] == [1, 1, 1, 1] and page["group"] == "stance-fr-documents/d1"
    model = TreeModel.default()
    # the shipped model's info without the pages it was given besides the default ones (round BY gave it some)
    bare = {key: value for key, value in model.spec["info"].items()
            if key not in ("documents", "documents_from", "french_development", "french_weight")}
    spec = {**model.spec, "info": {**bare, "documents": 204}}
    assert retrain_command(TreeModel(spec), selected=False, cross_validated=True).endswith(" --with-documents")
    plain = TreeModel({**model.spec, "info": bare})
    assert "--with-documents" not in retrain_command(plain, selected=False, cross_validated=True)
    spec["info"] = {**spec["info"], "documents": 384, "documents_from": "all"}  # round BN's three files
    assert retrain_command(TreeModel(spec), selected=False, cross_validated=True).endswith(" --with-documents all")


def test_the_document_sets_of_train_cleaner_name_the_stance_articles_and_nothing_else() -> None:
    from stance.cleaning.training import DOCUMENT_FILES, french_documents_files
    from stance.errors import UsageError

    assert [path.name for path in french_documents_files()] == ["stance_fr_documents.jsonl"]
    assert DOCUMENT_FILES["all"][0] == DOCUMENT_FILES["training"][0] and len(DOCUMENT_FILES["all"]) == 3
    assert all(name.startswith("stance_fr_documents") for name in DOCUMENT_FILES["all"])  # never eval/ nor seeds
    with pytest.raises(UsageError, match="expected one of training, all"):
        french_documents_files("eval")


@pytest.mark.parametrize(("content", "message"), [
    ("{not json\n", "documents.jsonl:1: malformed JSON"),
    ('{"id": "d1"}\n', r"documents.jsonl:1: missing field\(s\) \['text'\]"),
])
def test_documents_that_cannot_be_read_say_where_and_what_was_expected(tmp_path: Path, content: str,
                                                                       message: str) -> None:
    documents = tmp_path / "documents.jsonl"
    documents.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=message):
        document_pages(documents)


def test_train_cleaner_refuses_pages_of_one_kind_a_foreign_model_json_and_folds_it_cannot_make(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from stance.cleaning.training import check_labelled
    from stance.cli import main

    pages = tiny_pages()
    def write(name: str, labels: Callable[[list], list]) -> str:
        path = tmp_path / name
        path.write_text("".join(json.dumps({"id": p["id"], "site": p["group"], "lines": p["lines"],
                                            "labels": labels(list(map(int, p["labels"])))}) + "\n"
                                for p in pages), encoding="utf-8")
        return str(path)

    base = ["--no-french-pages", "--threshold", "0.4", "--no-rescuer"]
    for name, labels, message in [
        ("content.jsonl", lambda ls: [1] * len(ls), "and no furniture line (label 0)"),
        ("unsure.jsonl", lambda ls: [-1] * len(ls), "hold no content line (label 1) and no furniture line"),
    ]:
        out = tmp_path / f"model-{name}"
        assert main(["train-cleaner", "--data", write(name, labels), *base, "--out", str(out)]) == 2
        assert message in capsys.readouterr().err
        assert not out.exists()
    with pytest.raises(InputError, match="a line model learns one from the other"):
        check_labelled([{"labels": [0, 0]}])
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "model.json").write_text('{"weights": [1, 2]}', encoding="utf-8")
    data = write("pages.jsonl", lambda ls: ls)
    assert main(["train-cleaner", "--data", data, *base, "--out", str(foreign)]) == 2
    assert "a model.json that is no line model" in capsys.readouterr().err
    assert (foreign / "model.json").read_text(encoding="utf-8") == '{"weights": [1, 2]}'
    one_site = tmp_path / "one-site.jsonl"
    one_site.write_text("".join(json.dumps({"id": p["id"], "site": "a.fr", "lines": p["lines"],
                                            "labels": list(map(int, p["labels"]))}) + "\n" for p in pages),
                        encoding="utf-8")
    assert main(["train-cleaner", "--data", str(one_site), "--no-french-pages", "--out", str(tmp_path / "o")]) == 2
    assert "come from 1 site; add pages of another site" in capsys.readouterr().err
    # without cross-validation (a threshold, no second stage), one site is enough
    assert main(["train-cleaner", "--data", str(one_site), *base, "--out", str(tmp_path / "o")]) == 0
    assert TreeModel.load(tmp_path / "o").threshold == 0.4


def test_a_save_cut_short_leaves_no_model_that_loads_beside_an_old_card(tiny_model: TreeModel, tmp_path: Path) -> None:
    from stance.cleaning.training import save_with_card, shipped_fit

    info = {"pages": 24, "sites": 6, "labelled_lines": 240, "fit": shipped_fit(), "second": None}
    tiny_model = TreeModel({**tiny_model.spec, "info": info})
    folder = tmp_path / "model"
    save_with_card(tiny_model, folder, None, [])
    assert TreeModel.load(folder).spec == tiny_model.spec
    (folder / "README.md").unlink()
    (folder / "README.md").mkdir()  # the card cannot be written (as on a full disk)
    with pytest.raises(OSError):
        save_with_card(tiny_model, folder, None, [])
    with pytest.raises(InputError, match="no line model at"):
        TreeModel.load(folder)
    assert sorted(p.name for p in folder.iterdir()) == ["README.md"]  # no temporary file left either


def test_the_walk_by_levels_gives_the_shipped_model_s_scores_to_the_bit() -> None:
    # the trees laid out as complete binary trees (depth <= 8) against the walk that looks up each node's
    # children (what deeper trees take): the same leaves, summed in the same order
    from stance.cleaning.features import CONTEXT, line_features

    model = TreeModel.default()
    lines = [path.read_text(encoding="utf-8") for path in sorted(Path(__file__).parents[2].glob("seeds/*.txt"))]
    X = np.vstack([line_features([line for line in text.split("\n") if line], "fr") for text in lines])
    for trees in (model.first, model.second):
        assert trees._levels
        inputs = X if trees is model.first else np.hstack((X, np.random.default_rng(0).random((len(X), len(CONTEXT)))))
        by_levels = trees.raw(inputs)
        walked = pickle.loads(pickle.dumps(trees))
        walked._levels = []  # the other walk
        assert np.array_equal(by_levels, walked.raw(inputs))
        assert np.array_equal(trees.raw(inputs[:1]), walked.raw(inputs[:1])) and trees.raw(inputs[:0]).shape == (0,)


def test_a_pickled_model_holds_its_nodes_only_and_lays_them_out_again() -> None:
    trees = TreeModel.default().first
    assert "_levels" not in trees.__getstate__()
    copy = pickle.loads(pickle.dumps(trees))
    assert len(copy._levels) == trees.depth and np.array_equal(copy._leaves, trees._leaves)


def test_train_cleaner_reads_the_french_development_pages_after_the_others_and_says_so(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from stance.cleaning import training
    from stance.cli import main

    pages = tiny_pages()
    data, development = tmp_path / "pages.jsonl", tmp_path / "development.jsonl"
    for path, part in ((data, pages[:-2]), (development, pages[-2:])):
        path.write_text("".join(json.dumps({"id": p["id"], "site": p["group"], "lines": p["lines"],
                                            "labels": list(map(int, p["labels"]))}) + "\n" for p in part),
                        encoding="utf-8")
    monkeypatch.setattr(training, "FRENCH_DEVELOPMENT", (development.name,))
    monkeypatch.setattr(training, "french_development_files", lambda: [development])
    read: list[list[str]] = []
    train = training.train
    monkeypatch.setattr(training, "train", lambda pages, *a, **k: read.append([p["id"] for p in pages])
                        or train(pages, *a, **k))
    common = ["train-cleaner", "--data", str(data), "--no-french-pages", "--threshold", "0.4", "--no-rescuer",
              "--iterations", "5", "--depth", "2"]
    assert main([*common, "--french-development", "--out", str(tmp_path / "with")]) == 0
    assert read[-1] == [p["id"] for p in pages]  # the development pages last, in their order
    with_development = TreeModel.load(tmp_path / "with")
    assert with_development.spec["info"]["french_development"] == 2
    card = (tmp_path / "with" / "README.md").read_text(encoding="utf-8")
    assert "--french-development" in card and "2 of the pages are the French development pages" in card
    assert main([*common, "--out", str(tmp_path / "without")]) == 0
    assert read[-1] == [p["id"] for p in pages[:-2]]
    assert "french_development" not in TreeModel.load(tmp_path / "without").spec["info"]
