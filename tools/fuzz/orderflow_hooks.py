"""schemathesis hooks of `npm run fuzz` (loaded through tools/fuzz/schemathesis.toml).

An order's lines must name distinct SKUs: a rule OpenAPI 3.0 cannot state (`uniqueItems`
compares whole lines, not their `sku`), so generated orders meant to be valid that repeat a
SKU get a suffix that makes it distinct. Only SKUs short enough to stay valid are touched.
"""
import re

import schemathesis

SKU = re.compile(r"^[A-Za-z0-9_.-]{1,60}$")


@schemathesis.hook("map_case").apply_to(method="POST", path="/orders")
def distinct_skus(ctx, case):
    meta = case.meta
    # Only requests meant to be valid: a negative one keeps whatever makes it invalid.
    if meta is not None and meta.generation.mode.is_negative:
        return case
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
