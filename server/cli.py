"""The `playground` command: `serve` (the default), `train` and `bench`.

playground                                   # serve on http://127.0.0.1:8000
playground serve --host 0.0.0.0 --port 8000 --workers 2
playground train "#dataset=xor&seed=0.5" --epochs 100
playground train "#data=<id>&seed=0.5" --store PATH    # a stored data set
playground train "#seed=0.5" --data mine.csv           # a CSV (or JSON) file of your own
playground export "/s/<id>" --epochs 50 --format numpy --output model.py
playground bench
"""

from __future__ import annotations

import argparse
import json
import os
import sys


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    command = args.command or "serve"
    if command == "serve":
        return serve(args)
    if command == "train":
        return train(args.link, args.epochs, sys.stdout, sys.stderr, store=args.store, data_file=args.data)
    if command == "export":
        return export(args.link, args.epochs, args.format, args.output, sys.stderr, store=args.store)
    if command == "bench":
        from .bench import main as bench_main

        return bench_main(args.out, args.quick)
    return 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="playground", description="Neural Playground: a neural network you can tinker with in the browser."
    )
    sub = parser.add_subparsers(dest="command")
    _add_serve_arguments(parser)
    _add_serve_arguments(sub.add_parser("serve", help="run the web app (the default)"))
    train_parser = sub.add_parser("train", help="train headless from a share link; one JSON line per epoch")
    train_parser.add_argument(
        "link", nargs="?", default="", help="a TensorFlow Playground or Neural Playground link, or just its hash"
    )
    train_parser.add_argument("--epochs", type=int, default=100, help="epochs to train (default 100)")
    train_parser.add_argument(
        "--store",
        default=None,
        metavar="PATH",
        help="the store holding the link's data=<id> (default: the file `serve` uses)",
    )
    train_parser.add_argument(
        "--data",
        default=None,
        metavar="FILE",
        help="train on this CSV or JSON file (columns: the first two numbers and `label`)",
    )
    export_parser = sub.add_parser("export", help="train from a link or a saved network and export the network")
    export_parser.add_argument("link", help="a share link or its hash, or a saved network's /s/<id> link")
    export_parser.add_argument("--epochs", type=int, default=0, help="epochs to train first (default 0)")
    export_parser.add_argument(
        "--format",
        choices=("json", "numpy", "onnx", "png"),
        default="json",
        help="json (the model, docs), numpy (a Python file with predict(points)), "
        "onnx (needs the `onnx` extra), png (the decision map)",
    )
    export_parser.add_argument("--output", required=True, metavar="FILE", help="the file to write")
    export_parser.add_argument(
        "--store",
        default=None,
        metavar="PATH",
        help="the store holding saved networks and data sets (default: the file `serve` uses)",
    )
    bench_parser = sub.add_parser("bench", help="measure training speed and frame cost")
    bench_parser.add_argument("--out", default=None, help="also write the figures as Markdown to this file")
    bench_parser.add_argument("--quick", action="store_true", help="a short run, for a first look")
    return parser


def _add_serve_arguments(parser: argparse.ArgumentParser) -> None:
    from .options import DEFAULTS

    parser.add_argument("--host", default=DEFAULTS.bind_host, help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    parser.add_argument("--workers", type=int, default=1, help="processes, to use more cores (default 1)")
    parser.add_argument(
        "--allow-origin",
        action="append",
        default=[],
        metavar="ORIGIN",
        help="another origin whose pages may connect (repeatable)",
    )
    parser.add_argument(
        "--allow-host",
        action="append",
        default=[],
        metavar="NAME",
        help="another host name the server answers to, e.g. behind a proxy (repeatable)",
    )
    parser.add_argument(
        "--hold-seconds",
        type=float,
        default=DEFAULTS.hold_seconds,
        help=f"how long a dropped tab's session is kept for it to resume (default {DEFAULTS.hold_seconds:g})",
    )
    parser.add_argument(
        "--max-sessions",
        type=int,
        default=DEFAULTS.max_sessions,
        help=f"sessions held at once; more tabs are asked to try again later (default {DEFAULTS.max_sessions})",
    )
    parser.add_argument(
        "--max-sessions-per-client",
        type=int,
        default=DEFAULTS.max_sessions_per_client,
        help="sessions one client address may hold at once; raise it when a whole class comes "
        f"through one proxy address (default {DEFAULTS.max_sessions_per_client})",
    )
    parser.add_argument(
        "--hello-seconds",
        type=float,
        default=DEFAULTS.hello_seconds,
        help=f"a new tab must start its session within this time (default {DEFAULTS.hello_seconds:g})",
    )
    parser.add_argument(
        "--head-seconds",
        type=float,
        default=DEFAULTS.head_seconds,
        help="an HTTP request or websocket upgrade must arrive in full within this time "
        f"(default {DEFAULTS.head_seconds:g})",
    )
    parser.add_argument(
        "--max-connections",
        type=int,
        default=DEFAULTS.max_connections,
        help=f"open connections at once, per worker (default {DEFAULTS.max_connections})",
    )
    parser.add_argument(
        "--engine-threads",
        type=int,
        default=None,
        help="threads per process that train sessions, taking turns (default 2, or 1 when the workers fill the cores)",
    )
    parser.add_argument(
        "--store",
        default=DEFAULTS.store or None,
        metavar="PATH|URL",
        help="where data sets, snapshots and session checkpoints are kept: a SQLite file "
        "(default: $XDG_DATA_HOME/neural-playground/store.sqlite3) or redis://host:port/db, "
        "shared by several servers",
    )
    parser.add_argument(
        "--checkpoint-seconds",
        type=float,
        default=DEFAULTS.checkpoint_seconds,
        help="how often a training session is written to the store, to survive a restart "
        f"(paused ones at every change; 0 = never; default {DEFAULTS.checkpoint_seconds:g})",
    )
    parser.add_argument(
        "--stats-token",
        default=DEFAULTS.stats_token,
        metavar="TOKEN",
        help="lets /stats answer other machines that send it as X-Stats-Token "
        "(without it, /stats answers localhost only)",
    )


def options_from(args) -> ServerOptions:  # noqa: F821
    """The server options the command line asked for."""
    from .options import ServerOptions, default_engine_threads

    return ServerOptions(
        bind_host=args.host,
        allowed_origins=tuple(args.allow_origin),
        allowed_hosts=tuple(args.allow_host),
        hold_seconds=args.hold_seconds,
        max_sessions=args.max_sessions,
        max_sessions_per_client=args.max_sessions_per_client,
        hello_seconds=args.hello_seconds,
        head_seconds=args.head_seconds,
        max_connections=args.max_connections,
        engine_threads=args.engine_threads or default_engine_threads(args.workers),
        stats_token=args.stats_token,
        workers=args.workers,
        store=args.store or "",
        checkpoint_seconds=args.checkpoint_seconds,
    )


def serve(args) -> int:
    import dataclasses
    import tempfile

    import uvicorn

    from .app import create_app
    from .httpguard import GuardedH11Protocol
    from .protocol import MAX_MESSAGE_BYTES
    from .workers import Supervisor

    problem = _check_serve_arguments(args)
    if problem:
        print(f"playground serve: {problem}", file=sys.stderr)
        return 2
    problem = _check_store(args.store)
    if problem:
        print(f"playground serve: {problem}", file=sys.stderr)
        return 2
    options = options_from(args)
    shown_host = "127.0.0.1" if args.host in ("0.0.0.0", "::") else args.host
    print(
        f"Neural Playground is running: open http://{shown_host}:{args.port}/ in your browser (Ctrl-C stops it)",
        flush=True,
    )
    _prepare_engine()
    # Frames are mostly grid bytes: compressing them costs the event loop more
    # CPU time than the bandwidth it saves on a classroom network.
    common = dict(
        host=args.host,
        port=args.port,
        ws_max_size=MAX_MESSAGE_BYTES,
        ws_per_message_deflate=False,
        log_level="warning",
        http=GuardedH11Protocol,
    )
    if args.workers > 1:
        # The workers count their sessions together in a shared folder, and
        # read every option from the environment.
        with tempfile.TemporaryDirectory(prefix="playground-") as shared:
            options = dataclasses.replace(options, shared_dir=shared)
            os.environ.update(options.to_env())
            host, port = common.pop("host"), common.pop("port")
            try:
                return Supervisor(args.workers, host, port, common).run()
            except OSError as error:
                print(f"playground serve: cannot listen on {host}:{port}: {error.strerror or error}", file=sys.stderr)
                return 1
    else:
        uvicorn.run(create_app(options), **common)
    return 0


def _prepare_engine() -> None:
    """Say so when the kernels have never been compiled here (the first start
    after an install): the server compiles them in a thread as it starts
    (`server/app.py`), about a minute of CPU, and a page opened meanwhile waits
    for its first frame. Once cached they load in a fraction of a second."""
    from engine import kernel

    try:  # numba's cache index of the training kernel (a private attribute: if it moves, say nothing)
        cached = os.path.exists(kernel.train._cache._cache_file._index_path)
    except AttributeError:
        cached = True
    if not cached:
        print(
            "Preparing the training engine: it is compiled once after an install (about a minute); "
            "a page opened meanwhile shows its network when that is done.",
            flush=True,
        )


def _check_serve_arguments(args) -> str | None:
    """A plain-words problem with the serve options, or None."""
    for name in ("workers", "max_sessions", "max_sessions_per_client", "max_connections", "engine_threads"):
        if getattr(args, name) is not None and getattr(args, name) < 1:
            return f"--{name.replace('_', '-')} must be 1 or more"
    for name in ("hold_seconds", "hello_seconds", "head_seconds"):
        if not getattr(args, name) > 0:
            return f"--{name.replace('_', '-')} must be more than 0"
    return None


def _check_store(where: str | None) -> str | None:
    """Why the store cannot be used (e.g. a Redis that does not answer), or None:
    said once, before any worker starts, rather than as a failure in each."""
    from .store import StoreError, open_store

    try:
        store = open_store(where or None)
    except StoreError as error:
        return str(error)
    try:
        store.check()
    except StoreError as error:
        return str(error)
    finally:
        store.close()
    return None


def train(link: str, epochs: int, out, err, store: str | None = None, data_file: str | None = None) -> int:
    """Train headless from `link`; write {"epoch", "train_loss", "test_loss"} per line,
    with "train_accuracy" and "test_accuracy" (fractions 0–1) for classification.
    `data_file` (CSV or JSON) replaces the link's data; a link's `data=<id>` is
    read from `store`."""
    from engine.features import hidden_inputs
    from engine.session import Session
    from engine.share_hash import parse_hash
    from engine.user_data import DataError, parse_dataset

    from .datasets_api import DatasetLookup
    from .i18n import english
    from .store import StoreError, open_store

    if epochs < 0:
        print("playground train: --epochs must be 0 or more", file=err)
        return 2
    parsed = parse_hash(link)
    for notice in parsed.notices:
        print(f"note: {english(notice)}", file=err)
    try:
        shelf = open_store(":memory:" if data_file else store)
    except StoreError as error:
        print(f"playground train: {error}", file=err)
        return 2
    if data_file:
        try:
            with open(data_file, "rb") as file:
                body = file.read()
            kind = "json" if data_file.lower().endswith(".json") else "csv"
            parsed.settings["data"] = shelf.put_dataset(parse_dataset(body, kind).canonical_bytes())
        except OSError as error:
            print(f"playground train: cannot read {data_file}: {error.strerror}", file=err)
            return 2
        except DataError as error:
            print(f"playground train: {data_file}: {english(error.message)}", file=err)
            return 2
    session = Session(parsed.settings, hidden_inputs=hidden_inputs(parsed.hidden), datasets=DatasetLookup(shelf))
    for notice in session.notices:
        print(f"note: {english(notice)}", file=err)
    if data_file and session.settings["data"] is None:
        return 2  # the file's data cannot be trained on (said in the notice)
    if parsed.settings.get("seed") is None:
        print(f"note: the link has no seed; using seed={session.settings['seed']}", file=err)
    _line(out, session)
    for _ in range(epochs):
        session.step(1)
        if session.divergence is not None:
            print(f"stopped: {english(session.divergence.reason)}", file=err)
            return 1
        _line(out, session)
    return 0


def export(link: str, epochs: int, fmt: str, output: str, err, store: str | None = None) -> int:
    """Open `link` (a share link, or a saved network's /s/<id>), train `epochs`
    more, and write the network in `fmt` to `output`."""
    from engine.export import ExportError
    from engine.session_state import StateError

    from .exporting import SavedMissing, export_bytes, session_for
    from .i18n import english
    from .store import open_store
    from .store.sqlite import StoreError

    if epochs < 0:
        print("playground export: --epochs must be 0 or more", file=err)
        return 2
    try:
        shelf = open_store(store)
    except StoreError as error:
        print(f"playground export: {error}", file=err)
        return 2
    try:
        session, notices = session_for(link, shelf)
        for notice in notices:
            print(f"note: {english(notice)}", file=err)
        session.step(epochs)
        body = export_bytes(session, fmt)
    except (StateError, ExportError, SavedMissing) as error:
        print(f"playground export: {english(error.message)}", file=err)
        return 1
    finally:
        shelf.close()
    try:
        with open(output, "wb") as file:
            file.write(body)
    except OSError as error:
        print(f"playground export: cannot write {output}: {error.strerror}", file=err)
        return 2
    return 0


def _line(out, session) -> None:
    train_loss, test_loss = session.losses()
    line = {"epoch": session.epoch, "train_loss": train_loss, "test_loss": test_loss}
    if session.settings["problem"] == "classification":
        metrics = session.metrics()
        line["train_accuracy"] = metrics["train"]["accuracy"]
        line["test_accuracy"] = metrics["test"]["accuracy"]
    out.write(json.dumps(line) + "\n")
