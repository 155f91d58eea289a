"""A partner anchors a published verdict's W3C Web Annotation on its own copy of the
article, in Chromium, as an annotation client does: by the TextPositionSelector on a copy
with the same text, and by the TextQuoteSelector on a copy with other markup."""

import json

from playwright.sync_api import expect

from annotations.ingest.services import article_ingest
from annotations.models import Statement
from tests.factories import EditorFactory, PartnerTokenFactory, PublishedVerdictFactory

# Characters outside the BMP before the claim: a client counting UTF-16 code units
# instead of code points (the W3C model's characters) would land 4 characters off.
BODY = (
    "Leaders met 😀 online 🇪🇺 on Thursday.\n"
    "The EU holds €210 billion of immobilised Russian assets, officials said on Thursday.\n"
    "Talks resume next week.\n"
)
CLAIM = "The EU holds €210 billion of immobilised Russian assets, officials said on Thursday."

# The smallest annotation client: position = code points of the copy's text content;
# quote = prefix + exact + suffix found in it (falling back to exact alone).
ANCHOR_JS = """
([selectors, how]) => {
  const root = document.querySelector('#copy');
  const text = Array.from(root.textContent);
  let start, end;
  const byType = Object.fromEntries(selectors.map(s => [s.type, s]));
  if (how === 'position') {
    ({start, end} = byType.TextPositionSelector);
  } else {
    const q = byType.TextQuoteSelector, whole = text.join('');
    let at = whole.indexOf((q.prefix || '') + q.exact + (q.suffix || ''));
    at = at >= 0 ? at + (q.prefix || '').length : whole.indexOf(q.exact);
    start = Array.from(whole.slice(0, at)).length;
    end = start + Array.from(q.exact).length;
  }
  // Code points to a DOM range: walk the text nodes.
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  let seen = 0, node;
  while ((node = walker.nextNode())) {
    const units = Array.from(node.data);
    const toUnits = n => units.slice(0, n).join('').length;
    const inside = n => n >= seen && n <= seen + units.length;
    if (inside(start)) range.setStart(node, toUnits(start - seen));
    if (inside(end)) { range.setEnd(node, toUnits(end - seen)); break; }
    seen += units.length;
  }
  const mark = document.createElement('mark');
  mark.appendChild(range.extractContents());
  range.insertNode(mark);
  return mark.textContent;
}
"""


def test_a_partner_anchors_the_annotation_on_its_own_copy_of_the_article(page, screenshot):
    url = "https://news.example.org/eu-assets"
    article = article_ingest(text=BODY, source_url=url, title="EU assets").article
    statement = Statement.objects.get(article=article, text=CLAIM)
    published = PublishedVerdictFactory(statement=statement, editor=EditorFactory())
    token = PartnerTokenFactory().secret

    # The public verdict page says where its Web Annotation is.
    page.goto(f"/verdicts/{published.pk}/")
    link = page.locator('link[rel="alternate"][type*="anno.jsonld"]')
    response = page.request.get(
        link.get_attribute("href"),
        headers={
            "Authorization": f"Bearer {token}",
            "Accept": 'application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"',
        },
    )
    assert response.ok and "anno.jsonld" in response.headers["content-type"]
    annotation = response.json()
    target = annotation["target"]
    assert target["source"] == url
    selectors = target["selector"]

    # A copy with exactly the article's text: the position selector lands on the claim.
    page.set_content(f'<pre id="copy">{BODY}</pre>')
    assert page.evaluate(ANCHOR_JS, [selectors, "position"]) == CLAIM

    # The partner's own page, other markup and whitespace: the quote selector finds it.
    paragraphs = "".join(f"<p><em>{line}</em> </p>" for line in BODY.splitlines())
    page.set_content(f'<article id="copy"><h1>EU assets</h1>{paragraphs}</article>')
    assert page.evaluate(ANCHOR_JS, [selectors, "quote"]) == CLAIM
    expect(page.locator("mark")).to_have_text(CLAIM)
    page.evaluate(
        "(a) => document.body.insertAdjacentHTML('beforeend', '<pre>' + a + '</pre>')",
        json.dumps(annotation, indent=1, ensure_ascii=False)[:600],
    )
    screenshot(page, "web-annotation-anchored")
