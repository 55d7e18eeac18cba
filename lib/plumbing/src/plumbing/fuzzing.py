"""Fuzzing a service's HTTP API with schemathesis, for the tests (schemathesis is a test dependency only).

Every operation of the service's own OpenAPI document gets input that fits the document and input that does not;
no answer may be a server error. Path ids are random, or those of records the test made itself (`own`), so a run
changes nothing it did not create. Bounded and derandomised: a run takes about as long each time, and a failure
can be replayed.

`plausible(body)` may put into a generated body what the domain needs and the document cannot say (a start in
the future, a known time zone), so that the rest of the body reaches the database; each example is sent as
generated, made plausible, or made plausible with control characters taken out of its text.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Callable
from typing import Any

# Bounded for CI's 20 minutes: the four services' runs took 3 minutes of a loaded run's 17 at 40, and 89 s of an idle
# run's 1,136 s (pytest) at 25, a run that came within a minute of the limit.
EXAMPLES_PER_OPERATION_AND_MODE = 15


def without_control_characters(value: Any) -> Any:
    if isinstance(value, str):
        return "".join(c for c in value if unicodedata.category(c) not in ("Cc", "Cs", "Zl", "Zp"))
    if isinstance(value, list):
        return [without_control_characters(v) for v in value]
    if isinstance(value, dict):
        return {k: without_control_characters(v) for k, v in value.items()}
    return value


def fuzz(
    document: dict, base_url: str, authorization: str, own: dict[str, list[str]],
    plausible: Callable[[dict], None] = lambda body: None,
    examples: int = EXAMPLES_PER_OPERATION_AND_MODE,
) -> tuple[Counter, list[str]]:
    """Every operation, positive and negative examples: the requests sent per operation, and the server errors."""
    import schemathesis
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis import strategies as st
    from hypothesis.errors import Unsatisfiable
    from schemathesis import GenerationMode
    from schemathesis.checks import not_a_server_error
    from schemathesis.core.failures import Failure, FailureGroup

    sent: Counter = Counter()
    server_errors: list[str] = []

    def send(case, how: str) -> None:
        if how != "as generated" and isinstance(case.body, dict):
            if how == "plausible, clean text":
                case.body.update({name: without_control_characters(value) for name, value in case.body.items()})
            plausible(case.body)
        response = case.call(base_url=base_url, headers={"Authorization": authorization}, timeout=60)
        sent[case.operation.label] += 1
        try:
            case.validate_response(response, checks=[not_a_server_error])
        except (Failure, FailureGroup) as failure:  # collected: every operation that fails is reported
            server_errors.append(f"{case.operation.label} -> {response.status_code}: {failure}\n"
                                 f"{case.as_curl_command(headers={'Authorization': '…'})}")

    for result in schemathesis.openapi.from_dict(document).get_all_operations():
        operation: Any = result.ok()  # type: ignore[union-attr]  # an invalid document fails here, loudly
        chosen = st.fixed_dictionaries({p.name: st.sampled_from(own[p.name])
                                        for p in operation.path_parameters if p.name in own})
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            def with_ids(ids: dict, m: Any = mode, o: Any = operation) -> Any:
                return o.as_strategy(m, path_parameters=ids)

            cases = st.one_of(operation.as_strategy(mode), chosen.flatmap(with_ids))
            run = settings(max_examples=examples, derandomize=True, database=None, deadline=None,
                           phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))(
                given(case=cases, how=st.sampled_from(["as generated", "plausible", "plausible, clean text"]))(send))
            try:
                run()
            except Unsatisfiable:
                if mode == GenerationMode.POSITIVE:
                    raise
                # Nothing this operation takes can be invalid (a string without bounds): no negative examples.
    return sent, server_errors
