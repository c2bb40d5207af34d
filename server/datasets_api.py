"""The data sets API: upload, export and the shipped examples (docs/api.md).

    POST /api/datasets            a CSV or JSON body → 201 {"id", "points", "classes", "problem", ...}
    GET  /api/datasets/<id>       what the data set is (no points)
    GET  /api/datasets/<id>.csv   x1,x2,label,split in the user's units
    GET  /api/datasets/<id>.json  the same as JSON (uploading it again gives the same id)
    GET  /api/examples            the shipped examples and their ids

Parsing and scaling are the engine's (`engine.user_data`); this module reads the
request within the size limit, stores the data set and answers. Every refusal is
a 4xx with `{"detail": "...", "code": "...", "params": {...}}`: the reason in
English and as a message code with its parameters (engine/messages.py), which
the page says in its own language.
"""

from __future__ import annotations

from collections import OrderedDict
from threading import Lock

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from engine.data_source import TRAINABLE_CLASSES, membership
from engine.example_data import EXAMPLES, example_dataset
from engine.messages import Message
from engine.settings import BY_NAME, SettingError, coerce
from engine.user_data import MAX_BYTES, MAX_POINTS, DataError, UserDataset, parse_dataset

from .i18n import english
from .store import Store

router = APIRouter()
CACHED_DATASETS = 64


class ApiError(HTTPException):
    """A refusal of the API: HTTP `status` and why, as a `Message`."""

    def __init__(self, status: int, message: Message):
        super().__init__(status, english(message))
        self.message = message


def api_error(status: int, message: Message) -> ApiError:
    return ApiError(status, message)


async def answer_api_error(request: Request, error: ApiError) -> JSONResponse:
    """The answer to an `ApiError`: {"detail" (English), "code", "params"}."""
    return JSONResponse({"detail": error.detail, **error.message.to_dict()}, status_code=error.status_code)


class DatasetLookup:
    """Stored data sets by id for the sessions, with the last few parsed ones
    kept (an id's content never changes, so a cached one is never stale)."""

    def __init__(self, store: Store):
        self.store = store
        self._cache: OrderedDict[str, UserDataset] = OrderedDict()
        self._lock = Lock()

    def __call__(self, dataset_id: str) -> UserDataset | None:
        with self._lock:
            if dataset_id in self._cache:
                self._cache.move_to_end(dataset_id)
                return self._cache[dataset_id]
        body = self.store.get_dataset(dataset_id)
        if body is None:
            return None
        dataset = UserDataset.from_bytes(body)
        with self._lock:
            self._cache[dataset_id] = dataset
            while len(self._cache) > CACHED_DATASETS:
                self._cache.popitem(last=False)
        return dataset


def store_examples(store: Store) -> dict[str, str]:
    """Put the shipped examples into `store` (idempotent); name → id."""
    return {name: store.put_dataset(example_dataset(name).canonical_bytes()) for name in EXAMPLES}


def _store(request: Request) -> Store:
    return request.app.state.store


# A body a little over the limit is read to its end (and dropped) before the
# 413 goes out: answering while the client is still sending makes the socket
# close with unread data, and the client then sees a reset instead of the reason.
DRAIN_BYTES = 8 * MAX_BYTES


async def _read_body(request: Request) -> bytes:
    """The request body, refused with 413 when it passes MAX_BYTES."""
    too_big = api_error(413, Message("upload_too_big", {"max": MAX_BYTES, "rows": MAX_POINTS}))
    length = request.headers.get("content-length")
    declared = int(length) if length is not None and length.isdigit() else None
    if declared is not None and declared > DRAIN_BYTES:
        raise too_big
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > DRAIN_BYTES:
            raise too_big
        if size <= MAX_BYTES:
            chunks.append(chunk)
    if size > MAX_BYTES:
        raise too_big
    return b"".join(chunks)


def _kind(request: Request, body: bytes) -> str:
    """ "json" for a JSON content type (or an untyped body that starts like JSON), else "csv"."""
    content_type = request.headers.get("content-type", "").lower()
    if "json" in content_type:
        return "json"
    if "csv" in content_type or "text/plain" in content_type:
        return "csv"
    return "json" if body.lstrip()[:1] in (b"[", b"{") else "csv"


@router.post("/api/datasets", status_code=201)
async def upload(
    request: Request,
    x1: str | None = None,
    x2: str | None = None,
    label: str | None = None,
    problem: str | None = None,
    scale: str | None = None,
):
    body = await _read_body(request)
    kind = _kind(request, body)

    def parse_and_store() -> dict:
        dataset = parse_dataset(body, kind, x1=x1, x2=x2, label=label, problem=problem, scale=scale)
        dataset_id = _store(request).put_dataset(dataset.canonical_bytes())
        return {**dataset.summary(dataset_id), "trainable": _trainable(dataset)}

    try:
        answer = await run_in_threadpool(parse_and_store)
    except DataError as error:
        raise api_error(400, error.message) from None
    return JSONResponse(answer, status_code=201, headers={"Location": f"/api/datasets/{answer['id']}"})


@router.get("/api/datasets/{name}")
async def export(request: Request, name: str, seed: str | None = None, percTrainData: float | None = None):
    dataset_id, _, suffix = name.partition(".")
    if suffix not in ("", "csv", "json"):
        raise api_error(404, Message("export_no_format", {"suffix": suffix[:20]}))
    body = await run_in_threadpool(_store(request).get_dataset, dataset_id)
    if body is None:
        raise api_error(404, Message("dataset_not_found", {"id": repr(dataset_id[:40])}))
    dataset = UserDataset.from_bytes(body)
    if suffix == "":
        return {**dataset.summary(dataset_id), "trainable": _trainable(dataset)}
    split = _split(dataset, seed, percTrainData)
    filename = f"data-{dataset_id}.{suffix}"
    disposition = {"Content-Disposition": f'attachment; filename="{filename}"'}
    if suffix == "csv":
        return Response(dataset.to_csv(split), media_type="text/csv; charset=utf-8", headers=disposition)
    return JSONResponse(dataset.to_json(split, dataset_id), headers=disposition)


def _split(dataset: UserDataset, seed: str | None, perc_train: float | None) -> list[str] | None:
    """Which points a session with `seed` and `percTrainData` trains on (none without a seed)."""
    if seed is None:
        return None
    try:
        seed, _ = coerce("seed", seed)
        perc, _ = coerce("percTrainData", BY_NAME["percTrainData"].default if perc_train is None else perc_train)
    except SettingError as error:
        raise api_error(400, error.message) from None
    return membership(dataset.num_points, perc, seed)


def _trainable(dataset: UserDataset) -> bool:
    """Whether a session can train on it (every upload can: it has at most 8 classes)."""
    return dataset.problem == "regression" or dataset.num_classes <= TRAINABLE_CLASSES


@router.get("/api/examples")
async def examples(request: Request) -> list[dict]:
    ids = request.app.state.example_ids
    listed = []
    for name, example in EXAMPLES.items():
        dataset = example_dataset(name)
        listed.append(
            {"name": name, "title": example.title, **dataset.summary(ids[name]), "trainable": _trainable(dataset)}
        )
    return listed
