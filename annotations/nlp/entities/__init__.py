"""Named entities: run the spaCy pipeline, keep the useful labels, group mentions into
canonical entities. Pure functions, no database (annotations.tagging writes).

- ``names``: EntitySpan, and the names and alias keys made from a mention;
- ``model``: loading the pipeline (once per process) and running it;
- ``spans``: tidying the model's spans into clean mentions (its docstring has the rules);
- ``learned``: the desk's learned names, as an EntityRuler in front of the model;
- ``clusters``: grouping an article's mentions into entities (its docstring has the rules).

Callers import from ``annotations.nlp.entities`` alone.
"""

from annotations.nlp.entities.clusters import EntityCluster, entities_cluster
from annotations.nlp.entities.learned import LEARNABLE_LABELS, LearnedPattern, LearnedPatterns
from annotations.nlp.entities.model import (
    ModelInfo,
    entities_extract,
    entities_find,
    model_info,
    nlp_get,
)
from annotations.nlp.entities.names import (
    LABELS_KEPT,
    MENTION_MAX_CHARS,
    NAME_LABELS,
    NAME_MAX_CHARS,
    EntitySpan,
    entity_key,
    entity_name_clean,
    name_initials,
    name_rank,
    name_surname,
)
from annotations.nlp.entities.spans import Extraction, span_trim, spans_tidy

__all__ = [
    "LABELS_KEPT",
    "LEARNABLE_LABELS",
    "MENTION_MAX_CHARS",
    "NAME_LABELS",
    "NAME_MAX_CHARS",
    "EntityCluster",
    "EntitySpan",
    "Extraction",
    "LearnedPattern",
    "LearnedPatterns",
    "ModelInfo",
    "entities_cluster",
    "entities_extract",
    "entities_find",
    "entity_key",
    "entity_name_clean",
    "model_info",
    "name_initials",
    "name_rank",
    "name_surname",
    "nlp_get",
    "span_trim",
    "spans_tidy",
]
