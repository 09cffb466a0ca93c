"""Article media served in every mode, so that a file from an article source cannot act on our origin."""
import pytest

SVG_WITH_SCRIPT = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.cookie)</script></svg>'


@pytest.fixture
def media(settings):
    root = settings.MEDIA_ROOT
    root.mkdir(parents=True)
    (root / "ab").mkdir()
    (root / "ab" / "evil.svg").write_bytes(SVG_WITH_SCRIPT)
    (root / "ab" / "flow.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    (root.parent / "secret.txt").write_text("outside MEDIA_ROOT")
    (root / "link.txt").symlink_to(root.parent / "secret.txt")
    return root


def test_media_is_served_with_debug_off(client, media, settings):
    settings.DEBUG = False
    response = client.get("/media/ab/flow.png")
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content) == b"\x89PNG\r\n\x1a\n"


def test_media_forbids_sniffing_scripts_and_caches_for_a_year(client, media):
    response = client.get("/media/ab/flow.png")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; style-src 'unsafe-inline'; sandbox"
    assert "max-age=31536000" in response["Cache-Control"]


def test_an_svg_with_a_script_is_a_download_under_a_sandbox(client, media):
    response = client.get("/media/ab/evil.svg")
    assert response.status_code == 200 and response["Content-Type"] == "image/svg+xml"
    assert response["Content-Disposition"].startswith("attachment")
    assert "sandbox" in response["Content-Security-Policy"] and "script-src" not in response["Content-Security-Policy"]


@pytest.mark.parametrize("path", [
    "/media/../secret.txt", "/media/%2E%2E/secret.txt", "/media/ab/%2E%2E/%2E%2E/secret.txt",
    "/media/ab/", "/media/ab", "/media/missing.png", "/media//etc/passwd", "/media/%2Fetc%2Fpasswd",
    "/media/link.txt",
    # Names the file system refuses (longer than a name may be) are missing too, not an error.
    "/media/" + "a" * 256, "/media/ab/" + "%C3%A9" * 128, "/media/" + "/".join(["a" * 255] * 20),
])
def test_media_never_leaves_its_folder(client, media, path):
    response = client.get(path)
    assert response.status_code == 404
    assert b"outside MEDIA_ROOT" not in b"".join(getattr(response, "streaming_content", [response.content]))


def test_media_refuses_writes(client, media):
    assert client.post("/media/ab/flow.png").status_code == 405
