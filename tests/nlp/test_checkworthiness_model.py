"""The shipped check-worthiness model: its files are verified, it scores sentences, and
its pass never makes a statement of a question or an exhortation."""

import dataclasses
import json
import shutil
from concurrent.futures import ThreadPoolExecutor

import pytest

from annotations.nlp.statements import (
    SCORED_BY_MODEL,
    sentences_assess,
    statements_decide,
    statements_detect,
)
from annotations.nlp.statements.model import (
    MODEL_DIR,
    ModelArtefactError,
    SentenceScoring,
    checkworthiness_model_get,
    checkworthiness_model_load,
    checkworthiness_scores,
)

CLAIM = "The city council spent €3 billion on new roads in 2023."
PLEASANTRY = "Thank you all so much for coming tonight."


@pytest.fixture
def artefact_copy(tmp_path):
    copy = tmp_path / "checkworthiness"
    shutil.copytree(MODEL_DIR, copy)
    return copy


def test_the_shipped_model_loads_and_names_its_version_by_hash():
    config = json.loads((MODEL_DIR / "config.json").read_text())
    model = checkworthiness_model_get()
    assert model.version == config["model_sha256"][:12]
    assert 0.0 < model.threshold < 1.0


def test_a_model_file_changed_by_one_byte_is_refused(artefact_copy):
    with (artefact_copy / "model.onnx").open("r+b") as handle:
        handle.seek(4096)
        byte = handle.read(1)
        handle.seek(4096)
        handle.write(bytes([byte[0] ^ 0xFF]))
    with pytest.raises(ModelArtefactError, match=r"model\.onnx: sha256 .* does not match"):
        checkworthiness_model_load(directory=artefact_copy)


def test_a_missing_tokenizer_is_named_in_the_error(artefact_copy):
    (artefact_copy / "tokenizer.json").unlink()
    with pytest.raises(ModelArtefactError, match=r"tokenizer\.json is missing"):
        checkworthiness_model_load(directory=artefact_copy)


def test_a_config_without_a_threshold_is_refused(artefact_copy):
    config = json.loads((artefact_copy / "config.json").read_text())
    del config["threshold"]
    (artefact_copy / "config.json").write_text(json.dumps(config))
    with pytest.raises(ModelArtefactError, match="no 'threshold'"):
        checkworthiness_model_load(directory=artefact_copy)


def test_a_factual_claim_scores_higher_than_a_pleasantry():
    claim, pleasantry = checkworthiness_scores(sentences=[CLAIM, PLEASANTRY])
    assert 0.0 <= pleasantry < claim <= 1.0
    assert claim >= checkworthiness_model_get().threshold


def test_a_sentence_scores_the_same_whatever_else_is_scored_with_it():
    alone = checkworthiness_scores(sentences=[CLAIM])
    among = checkworthiness_scores(sentences=[PLEASANTRY, CLAIM, "x" * 400])
    assert among[1] == alone[0]


def test_scores_come_back_in_the_callers_order():
    sentences = [PLEASANTRY, CLAIM, "Unemployment fell to 4.2% last year, the office said."]
    forward = checkworthiness_scores(sentences=sentences)
    backward = checkworthiness_scores(sentences=sentences[::-1])
    assert forward == backward[::-1]  # each sentence is scored alone: no batch-mates


def test_no_sentences_give_no_scores():
    assert checkworthiness_scores(sentences=[]) == []


def test_two_threads_sharing_the_scoring_give_the_same_scores_as_one():
    sentences = [CLAIM, PLEASANTRY, "Unemployment fell to 4.2% last year."] * 20
    scoring = SentenceScoring(sentences=sentences, model=checkworthiness_model_get())
    with ThreadPoolExecutor(max_workers=1) as pool:
        helper = pool.submit(scoring.run)
        scoring.run()
        helper.result()
    assert scoring.scores() == checkworthiness_scores(sentences=sentences)


def test_scores_are_refused_before_every_sentence_is_scored():
    scoring = SentenceScoring(sentences=[CLAIM], model=checkworthiness_model_get())
    with pytest.raises(RuntimeError, match="before every sentence was scored"):
        scoring.scores()


def test_questions_exhortations_and_bare_attributions_are_never_statements():
    body = (
        "Did the council spend €3 billion on roads in 2023? "
        "“Why should we pay €210 billion?” she asked. "
        "So let’s put the minister to the test. "
        "“We must act now!” he said. "
        "Speaking alongside him, the finance minister concurred. "
        "The council spent €3 billion on roads in 2023."
    )
    keep_everything = dataclasses.replace(checkworthiness_model_get(), threshold=0.0)
    statements = statements_detect(body, model=keep_everything)
    assert [s.text for s in statements] == ["The council spent €3 billion on roads in 2023."]
    assert statements[0].scored_by == SCORED_BY_MODEL


def test_the_models_statements_keep_the_rules_reasons_and_figures():
    (statement,) = statements_detect(CLAIM, model=checkworthiness_model_get())
    assert "money figure" in statement.reasons
    assert [f.text for f in statement.figures] == ["€3 billion", "2023"]
    assert statement.score == pytest.approx(checkworthiness_scores(sentences=[CLAIM])[0], abs=1e-3)


def test_scores_computed_beforehand_give_the_same_statements_as_scoring_inline():
    body = "Did the council spend €3 billion on roads in 2023? " + CLAIM + " It rained."
    model = checkworthiness_model_get()
    rules = sentences_assess(body)
    assert rules.candidate_texts == [CLAIM, "It rained."]  # the question is never scored
    scores = checkworthiness_scores(sentences=rules.candidate_texts, model=model)
    assert statements_decide(rules, model=model, scores=scores) == statements_detect(
        body, model=model
    )


def test_scores_for_another_text_are_refused():
    model = checkworthiness_model_get()
    rules = sentences_assess(CLAIM + " It rained.")
    with pytest.raises(ValueError, match="1 scores for 2 candidate sentences"):
        statements_decide(rules, model=model, scores=[0.5])
