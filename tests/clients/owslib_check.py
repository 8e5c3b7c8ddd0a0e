"""What OWSLib (PyPI) reads from an eventmap server: run by tests/owslib.rs with the server's
URL; prints one JSON object the test compares with the API's own answers."""

import json
import sys

from owslib.ogcapi.features import Features

api = Features(sys.argv[1])
kazakh_deaths = "fatalities >= 1 AND country_code = 'KZ'"
out = {
    "conformance": api.conformance()["conformsTo"],
    "queryables": sorted(api.collection_queryables("events")["properties"]),
    "schema": sorted(api.collection_schema("events")["properties"]),
    "filtered": [f["id"] for f in api.collection_items("events", filter=kazakh_deaths, limit=1000)["features"]],
    "filtered_json": [
        f["id"]
        for f in api.collection_items(
            "events",
            filter=json.dumps({"op": ">=", "args": [{"property": "fatalities"}, 1]}),
            **{"filter-lang": "cql2-json"},
            limit=1000,
        )["features"]
    ],
    "sorted": [f["properties"]["event_date"] for f in api.collection_items("events", sortby=("event_date", "desc"), limit=1000)["features"]],
}
print(json.dumps(out))
