"""Named entities: run the spaCy pipeline, keep the useful labels, group mentions into
canonical entities. Pure functions, no database (annotations.tagging writes).

- ``names``: EntitySpan, and the names and alias keys made from a mention;
- ``model``: loading the pipeline (once per process) and running it;
- ``clusters``: grouping an article's mentions into entities (its docstring has the rules).

Callers import from ``annotations.nlp.entities`` alone.
"""

from annotations.nlp.entities.clusters import EntityCluster, entities_cluster
from annotations.nlp.entities.model import ModelInfo, entities_extract, model_info, nlp_get
from annotations.nlp.entities.names import (
    LABELS_KEPT,
    MENTION_MAX_CHARS,
    NAME_MAX_CHARS,
    EntitySpan,
    entity_key,
    entity_name_clean,
    name_initials,
    name_rank,
    name_surname,
)

__all__ = [
    "LABELS_KEPT",
    "MENTION_MAX_CHARS",
    "NAME_MAX_CHARS",
    "EntityCluster",
    "EntitySpan",
    "ModelInfo",
    "entities_cluster",
    "entities_extract",
    "entity_key",
    "entity_name_clean",
    "model_info",
    "name_initials",
    "name_rank",
    "name_surname",
    "nlp_get",
]
