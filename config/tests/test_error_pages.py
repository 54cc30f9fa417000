import pytest

pytestmark = pytest.mark.django_db


def test_an_unknown_api_path_answers_json_like_every_api_error(client):
    response = client.patch("/api/v1/partner/postbacks/%C3%9A%0A/", b"{}", "application/json")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"code": "not_found", "detail": "No such API path."}


def test_an_unknown_page_is_still_the_sites_own_page(client):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
