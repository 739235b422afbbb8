def test_healthz_reports_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok"}


def test_login_then_vendors(login_as, client):
    login_as("procurement")
    assert client.get("/vendors/").status_code == 200
