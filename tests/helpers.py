"""Helpers for tests that build source files on the fly."""


def write(path, text, encoding="utf-8"):
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding=encoding)
    return path



def kcs_article(*, title, description, number, symptoms, resolution=None):
    """A KCS article's file: front matter, then its description, symptoms and (when given) resolution."""
    text = (f"---\ntitle: {title}\ndescription: {description}\narticle-number: {number}\n---\n# {title}\n\n"
            f"## Description {{#description}}\n\n### Issue/Symptoms\n\n{symptoms}\n")
    if resolution is not None:
        text += f"\n## Resolution {{#resolution}}\n\n{resolution}\n"
    return text
