"""Rules of the eventmap API that JSON Schema cannot state: the OpenAPI document says them in
words and the server answers 400 when one is broken. Generated *valid* requests are made to keep
them, so the positive-data checks test what the document promises; invalid requests are left
alone. Loaded by tests/server_process.rs through SCHEMATHESIS_HOOKS."""

import datetime

import schemathesis

PLACE_IN_GAZETTEER = 1526384  # Almaty
PLAUSIBLE_DATE = "2022-01-05"
# A filter is CQL2 in its language (filter-lang): JSON Schema cannot say so.
FILTERS = {
    "cql2-text": "fatalities >= 1 AND S_INTERSECTS(geometry, BBOX(40, 30, 90, 56))",
    "cql2-json": '{"op":">=","args":[{"property":"fatalities"},1]}',
}


def _days(ymd):
    """Days from 0000-03-01 of a proleptic Gregorian date (Python's dates stop at year 1)."""
    y, m, d = ymd
    y -= m <= 2
    era, yoe = divmod(y, 400)
    doy = (153 * (m + (-3 if m > 2 else 9)) + 2) // 5 + d - 1
    return era * 146097 + yoe * 365 + yoe // 4 - yoe // 100 + doy


def _utc_day(instant):
    """The UTC day of a date or RFC 3339 instant, as the server computes it."""
    day = _days((int(instant[0:4]), int(instant[5:7]), int(instant[8:10])))
    time = instant[10:]
    if len(time) <= 1:
        return day
    local = int(time[1:3]) * 60 + int(time[4:6])
    offset = 0 if time.endswith("Z") else (1 if time[-6] == "+" else -1) * (int(time[-5:-3]) * 60 + int(time[-2:]))
    return day + (local - offset) // 1440


def _ordered_interval(value):
    """An interval's start may not come after its end."""
    if not isinstance(value, str) or "/" not in value:
        return value
    a, b = value.split("/", 1)
    closed = all(end not in ("", "..") for end in (a, b))
    return f"{b}/{a}" if closed and _utc_day(a) > _utc_day(b) else value


def _plausible(value):
    """Publication and event dates run from 1900-01-01 to tomorrow."""
    if not isinstance(value, str):
        return value
    return value if "1900-01-01" <= value <= datetime.date.today().isoformat() else PLAUSIBLE_DATE


EPSG_4326 = "http://www.opengis.net/def/crs/EPSG/0/4326"


def _bbox(numbers, lat_first=False):
    """Longitudes within ±180, latitudes within ±90, miny not above maxy; in EPSG:4326
    (bbox-crs) latitudes come first. The coverage phase hands the box over already joined
    with commas."""
    if isinstance(numbers, str):
        try:
            box = _bbox([float(n) for n in numbers.split(",")], lat_first)
        except ValueError:
            return numbers
        return ",".join(repr(n) for n in box) if isinstance(box, list) else numbers
    if not isinstance(numbers, list) or len(numbers) not in (4, 6):
        return numbers
    half = len(numbers) // 2
    x0, y0, x1, y1 = (1, 0, half + 1, half) if lat_first else (0, 1, half, half + 1)
    box = list(numbers)
    for i in (x0, x1):
        box[i] = max(-180.0, min(180.0, box[i]))
    for i in (y0, y1):
        box[i] = max(-90.0, min(90.0, box[i]))
    box[y0], box[y1] = min(box[y0], box[y1]), max(box[y0], box[y1])
    return box


@schemathesis.hook
def map_case(context, case):
    if case.meta is None or not case.meta.generation.mode.is_positive:
        return case
    if isinstance(case.query, dict):
        if "bbox" in case.query:
            case.query["bbox"] = _bbox(case.query["bbox"], case.query.get("bbox-crs") == EPSG_4326)
        if "datetime" in case.query:
            case.query["datetime"] = _ordered_interval(case.query["datetime"])
        if "published" in case.query:
            case.query["published"] = _plausible(case.query["published"])
        if case.query.get("filter"):
            case.query["filter"] = FILTERS[case.query.get("filter-lang", "cql2-text")]
    if isinstance(case.body, dict):
        # The server under test fetches nothing (--no-fetch): an article posted by URL is
        # posted as its text instead (fetching is tested against a site of the tests' own).
        if "url" in case.body and case.operation.path == "/articles":
            del case.body["url"]
            case.body["text"] = "Protesters rallied in Almaty on Monday."
        for field in ("published", "event_date"):
            if field in case.body:
                case.body[field] = _plausible(case.body[field])
        # A correction's place must be one the gazetteer knows, and its sub-event type one of
        # its (corrected) event type's.
        if "geonameid" in case.body:
            case.body["geonameid"] = PLACE_IN_GAZETTEER
        if "sub_event_type" in case.body or "event_type" in case.body and "text" not in case.body:
            case.body["event_type"] = "Protests"
            case.body["sub_event_type"] = "Peaceful protest"
    return case
