"""Which products a query names: its context, among the product names the index holds.

``named_products(text, names)`` returns the names (as stored) of the most specific products
``text`` names: all of a name's words in a row (``Campaign Standard``, ``Experience Manager as a
Cloud Service``), or its version alone (``v8`` names ``Campaign v8``, ``6.5`` names ``Experience
Manager 6.5``), with the usual abbreviations read as the product (``AEM`` is Experience Manager,
``ACS`` Campaign Standard). A name whose words lie within another named one is left out:
``campaign standard`` names Campaign Standard, not every Campaign. Pure: values in, values out.
"""
import re

WORD_RE = re.compile(r"\w+(?:\.\w+)*")
VERSION_RE = re.compile(r"^(?:v\d+(?:\.\d+)*|\d+(?:\.\d+)+)$")
# What support engineers type for a product.
ABBREVIATIONS = {
    "aem": "experience manager", "aemaacs": "experience manager as a cloud service",
    "aemcs": "experience manager as a cloud service", "acs": "campaign standard", "acc": "campaign classic",
    "ajo": "journey optimizer", "cja": "customer journey analytics", "aep": "experience platform",
    "aam": "audience manager", "rtcdp": "real time customer data platform",
}


def words_of(text):
    """``"Experience Manager 6.5"`` → ``["experience", "manager", "6.5"]``."""
    return [word.casefold() for word in WORD_RE.findall(text or "")]


def named_products(text, names):
    said = f" {' '.join(ABBREVIATIONS.get(word, word) for word in words_of(text))} "
    found = {}
    for name in names:
        words = words_of(name)
        if not words:
            continue
        key = " ".join(words)
        if f" {key} " in said or (len(words) > 1 and VERSION_RE.match(words[-1]) and f" {words[-1]} " in said):
            found.setdefault(key, set()).add(name)
    specific = [key for key in found if not any(key != other and f" {key} " in f" {other} " for other in found)]
    return {name for key in specific for name in found[key]}
