"""Loaded into every Schemathesis run of scripts/fuzz-api.sh (SCHEMATHESIS_HOOKS).

Python 3.11.7's ast module can fail with SystemError ("AST constructor recursion depth mismatch")
when Hypothesis parses a source file deep inside a generation stack, only to describe a lambda.
The description is cosmetic (reprs and labels), so a failed one becomes the placeholder
Hypothesis already uses when it cannot find a lambda's source, instead of ending the run.
"""

from hypothesis.internal import lambda_sources

_describe = lambda_sources._lambda_description


def _describe_or_placeholder(f, *args, **kwargs):
    try:
        return _describe(f, *args, **kwargs)
    except SystemError:
        return "lambda: <unknown>"


lambda_sources._lambda_description = _describe_or_placeholder
