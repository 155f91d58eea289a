import pytest

from annotations.models import PublishedVerdict, WebhookDelivery
from tests.factories import PartnerTokenFactory, PublishedVerdictFactory, WebhookDeliveryFactory

pytestmark = pytest.mark.django_db


def test_every_model_factory_builds_a_valid_row():
    published = PublishedVerdictFactory(phrase=None)
    assert published.document["@type"] == "ClaimReview"
    assert PartnerTokenFactory().secret.startswith("fcp_")
    delivery = WebhookDeliveryFactory(published=published)
    assert delivery.payload == published.document
    assert PublishedVerdict.objects.count() == 1 and WebhookDelivery.objects.count() >= 1
