"""Fast, model-free text analysis used at ingestion (see ``statements``)."""
