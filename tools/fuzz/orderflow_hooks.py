"""schemathesis hooks of `npm run fuzz` (loaded through tools/fuzz/schemathesis.toml).

An order's lines must name distinct SKUs: a rule OpenAPI 3.0 cannot state (`uniqueItems`
compares whole lines, not their `sku`), so generated orders meant to be valid that repeat a
SKU get a suffix that makes it distinct. Only SKUs short enough to stay valid are touched.
In the stateful phase, orders meant to be valid are placed as the token's customer
(FUZZ_CUSTOMER_ID), so the OpenAPI links of POST /orders lead to orders that exist.

Hostile bodies: every operation that takes a body also gets, beside its examples, bodies no
generator makes — arrays and objects nested 5,000 deep, alone and inside the example body,
and the example body with `__proto__`, `constructor` or `prototype` as a key, at its top and
in its first nested object. They are added as explicit examples, so both the short and the
full run send them, and the `hostile_body_refused` check wants each answered 400
problem+json: a new route is tried the moment its document lists a body.
"""
import copy
import json
import os
import re

import schemathesis

SKU = re.compile(r"^[A-Za-z0-9_.-]{1,60}$")
DEPTH = 5000
PROTOTYPE_KEYS = ("__proto__", "constructor", "prototype")

# Each hostile body sent, as the bytes on the wire, and what it tries.
HOSTILE: dict[bytes, str] = {}


def _phase(case) -> str:
    meta = case.meta
    name = getattr(getattr(meta, "phase", None), "name", None)
    return str(getattr(name, "value", name or ""))


@schemathesis.hook("map_case").apply_to(method="POST", path="/orders")
def distinct_skus(ctx, case):
    meta = case.meta
    # Only requests meant to be valid: a negative one keeps whatever makes it invalid.
    if meta is not None and meta.generation.mode.is_negative:
        return case
    # The stateful phase follows the links of a placed order (GET, timeline, cancel): it
    # places orders as the customer the token names (FUZZ_CUSTOMER_ID, set by the runner),
    # so they are accepted and the links lead to orders that exist. The other phases keep
    # generated customers, which the API must refuse (403).
    customer = os.environ.get("FUZZ_CUSTOMER_ID")
    if customer and _phase(case) == "stateful" and isinstance(case.body, dict) and "customerId" in case.body:
        case.body["customerId"] = customer
    items = case.body.get("items") if isinstance(case.body, dict) else None
    if not isinstance(items, list):
        return case
    seen = set()
    for index, item in enumerate(items):
        sku = item.get("sku") if isinstance(item, dict) else None
        if not isinstance(sku, str):
            continue
        if sku in seen and SKU.match(sku):
            sku = f"{sku}-{index}"
            item["sku"] = sku
        seen.add(sku)
    return case


def _json(value) -> bytes:
    return json.dumps(value, separators=(",", ":")).encode()


def _with_member(body: dict, key: str, member: bytes) -> bytes:
    """`body` as JSON with one more member, its value already JSON: Python's own encoder
    would recurse into a value nested 5,000 deep and stop at its recursion limit."""
    text = _json(body)
    return text[:-1] + (b"," if body else b"") + _json(key) + b":" + member + b"}"


def _first_nested_object(body: dict):
    """The first object inside `body`, breadth first (an order's first line), if any."""
    queue = list(body.values())
    while queue:
        value = queue.pop(0)
        if isinstance(value, dict):
            return value
        if isinstance(value, list):
            queue.extend(value)
    return None


def hostile_bodies(example: dict) -> list[tuple[str, bytes]]:
    """What each hostile body tries, and the body, built around an operation's example body."""
    arrays = b"[" * DEPTH + b"]" * DEPTH
    objects = b'{"a":' * DEPTH + b"1" + b"}" * DEPTH
    bodies = [
        (f"arrays nested {DEPTH} deep", arrays),
        (f"objects nested {DEPTH} deep", objects),
        (f"arrays nested {DEPTH} deep inside the example body", _with_member(example, "x", arrays)),
        (f"objects nested {DEPTH} deep inside the example body", _with_member(example, "x", objects)),
    ]
    for key in PROTOTYPE_KEYS:
        bodies.append((f"{key} as a key of the example body", _with_member(example, key, b'{"admin":true}')))
        # In Python these are keys like any other, so a copy of the body takes one as it is.
        changed = copy.deepcopy(example)
        nested = _first_nested_object(changed)
        if nested is not None:
            nested[key] = {"admin": True}
            bodies.append((f"{key} as a key of an object inside the example body", _json(changed)))
    return bodies


@schemathesis.hook
def before_add_examples(ctx, examples):
    operation = ctx.operation
    if operation is None or len(operation.body) == 0:
        return
    base = next((case for case in examples if isinstance(case.body, dict)), None)
    path_parameters = dict(base.path_parameters or {}) if base is not None else {}
    for parameter in operation.path_parameters:
        path_parameters.setdefault(parameter.name, "HOSTILE-1")
    for what, body in hostile_bodies(dict(base.body) if base is not None else {}):
        HOSTILE[body] = what
        examples.append(
            operation.Case(
                body=body,
                media_type="application/json",
                path_parameters=path_parameters,
                headers=dict(base.headers or {}) if base is not None else None,
            )
        )


@schemathesis.check
def hostile_body_refused(ctx, response, case):
    """A hostile body (see `hostile_bodies`) is refused with 400 problem+json."""
    what = HOSTILE.get(case.body) if isinstance(case.body, bytes) else None
    if what is None:
        return None
    content_type = response.headers.get("content-type", [""])
    content_type = content_type[0] if isinstance(content_type, list) else content_type
    if response.status_code != 400 or not content_type.startswith("application/problem+json"):
        raise AssertionError(f"A body with {what} should be refused with 400 problem+json, not {response.status_code} {content_type}")
    return True
