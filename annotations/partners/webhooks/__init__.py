"""Webhooks: tell partners when a verdict is published, corrected or withdrawn.

protocol.py is what a receiver sees (body, signature, headers, backoff); transport.py
sends one attempt behind the SSRF guard; deliveries.py keeps each delivery's state in the
database (enqueue, claim, attempt, retry, sweep). Import from those modules directly.
"""
