"""The 500 handler: a database that cannot answer is a 503 with a sentence;
anything else stays a 500."""

from django.db import IntegrityError, OperationalError

from cloudfactory.web.database import server_error


def answer_to(error: Exception, rf):
    try:
        raise error
    except Exception:
        return server_error(rf.get("/customers/"))


def test_a_database_that_cannot_answer_is_a_503_with_a_sentence(rf):
    response = answer_to(OperationalError("connection refused"), rf)
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert (
        "data-error-message>The database is unavailable." in response.content.decode()
    )


def test_a_bug_stays_a_500(rf):
    for error in (ValueError("boom"), IntegrityError("duplicate key")):
        response = answer_to(error, rf)
        assert response.status_code == 500
        assert "Something went wrong" in response.content.decode()
