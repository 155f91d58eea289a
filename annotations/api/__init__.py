"""The partner API (/api/v1/): published verdicts as schema.org ClaimReview."""
