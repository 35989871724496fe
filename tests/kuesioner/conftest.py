import pytest

from kuesioner.registry import ContextInfo, context_kind_register

# A context kind of the tests' own: "tests.thing:<questionnaire id>", open to anyone signed in.
POPULATION = 10


def _describe(ident: int) -> ContextInfo:
    return ContextInfo(
        questionnaire_id=ident,
        title=f"Uji {ident}",
        back_url="/",
        population=POPULATION,
        may_answer=lambda user: user.is_authenticated,
    )


@pytest.fixture(autouse=True)
def test_context_kind():
    context_kind_register("tests.thing", _describe)
