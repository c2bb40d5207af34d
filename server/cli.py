"""The `playground` command: `serve` (the default), `train` and `bench`.

    playground                                   # serve on http://127.0.0.1:8000
    playground serve --host 0.0.0.0 --port 8000 --workers 2
    playground train "#dataset=xor&seed=0.5" --epochs 100
    playground train "#data=<id>&seed=0.5" --store PATH    # a stored data set
    playground train "#seed=0.5" --data mine.csv           # a CSV (or JSON) file of your own
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
    if command == "bench":
        from .bench import main as bench_main

        return bench_main(args.out, args.quick)
    return 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="playground", description="Neural Playground: a neural network you can tinker with in the browser.")
    sub = parser.add_subparsers(dest="command")
    _add_serve_arguments(parser)
    _add_serve_arguments(sub.add_parser("serve", help="run the web app (the default)"))
    train_parser = sub.add_parser("train", help="train headless from a share link; one JSON line per epoch")
    train_parser.add_argument("link", nargs="?", default="",
                              help="a TensorFlow Playground or Neural Playground link, or just its hash")
    train_parser.add_argument("--epochs", type=int, default=100, help="epochs to train (default 100)")
    train_parser.add_argument("--store", default=None, metavar="PATH",
                              help="the store holding the link's data=<id> (default: the file `serve` uses)")
    train_parser.add_argument("--data", default=None, metavar="FILE",
                              help="train on this CSV or JSON file (columns: the first two numbers and `label`)")
    bench_parser = sub.add_parser("bench", help="measure training speed and frame cost")
    bench_parser.add_argument("--out", default=None, help="also write the figures as Markdown to this file")
    bench_parser.add_argument("--quick", action="store_true", help="a short run, for a first look")
    return parser


def _add_serve_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    parser.add_argument("--workers", type=int, default=1, help="processes, to use more cores (default 1)")
    parser.add_argument("--allow-origin", action="append", default=[], metavar="ORIGIN",
                        help="another origin whose pages may connect (repeatable)")
    parser.add_argument("--hold-seconds", type=float, default=60.0,
                        help="how long a dropped tab's session is kept for it to resume (default 60)")
    parser.add_argument("--max-sessions", type=int, default=200,
                        help="sessions held at once; more tabs are asked to try again later (default 200)")
    parser.add_argument("--store", default=None, metavar="PATH",
                        help="the SQLite file that keeps uploaded and drawn data sets "
                             "(default: $XDG_DATA_HOME/neural-playground/store.sqlite3)")


def serve(args) -> int:
    import uvicorn

    from .app import create_app
    from .protocol import MAX_MESSAGE_BYTES

    shown_host = "127.0.0.1" if args.host in ("0.0.0.0", "::") else args.host
    print(f"Neural Playground is running: open http://{shown_host}:{args.port}/ in your browser (Ctrl-C stops it)",
          flush=True)
    # Frames are mostly grid bytes: compressing them costs the event loop more
    # CPU time than the bandwidth it saves on a classroom network.
    common = dict(host=args.host, port=args.port, ws_max_size=MAX_MESSAGE_BYTES, ws_per_message_deflate=False,
                  log_level="warning")
    if args.workers > 1:
        os.environ["PLAYGROUND_ALLOWED_ORIGINS"] = ",".join(args.allow_origin)
        if args.store:
            os.environ["PLAYGROUND_STORE"] = args.store
        uvicorn.run("server.app:create_app_from_env", factory=True, workers=args.workers, **common)
    else:
        uvicorn.run(create_app(allowed_origins=args.allow_origin, hold_seconds=args.hold_seconds,
                               max_sessions=args.max_sessions, store=args.store), **common)
    return 0


def train(link: str, epochs: int, out, err, store: str | None = None, data_file: str | None = None) -> int:
    """Train headless from `link`; write {"epoch", "train_loss", "test_loss"} per line.
    `data_file` (CSV or JSON) replaces the link's data; a link's `data=<id>` is
    read from `store`."""
    from engine.features import hidden_inputs
    from engine.session import Session
    from engine.share_hash import parse_hash
    from engine.user_data import DataError, parse_dataset

    from .datasets_api import DatasetLookup
    from .store import open_store
    from .store.sqlite import StoreError

    if epochs < 0:
        print("playground train: --epochs must be 0 or more", file=err)
        return 2
    parsed = parse_hash(link)
    for notice in parsed.notices:
        print(f"note: {notice}", file=err)
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
            print(f"playground train: {data_file}: {error}", file=err)
            return 2
    session = Session(parsed.settings, hidden_inputs=hidden_inputs(parsed.hidden), datasets=DatasetLookup(shelf))
    for notice in session.notices:
        print(f"note: {notice}", file=err)
    if data_file and session.settings["data"] is None:
        return 2  # the file's data cannot be trained on (said in the notice)
    if parsed.settings.get("seed") is None:
        print(f"note: the link has no seed; using seed={session.settings['seed']}", file=err)
    train_loss, test_loss = session.losses()
    _line(out, 0, train_loss, test_loss)
    for epoch in range(1, epochs + 1):
        session.step(1)
        if session.divergence is not None:
            print(f"stopped: {session.divergence.reason}", file=err)
            return 1
        train_loss, test_loss = session.losses()
        _line(out, epoch, train_loss, test_loss)
    return 0


def _line(out, epoch: int, train_loss: float, test_loss: float) -> None:
    out.write(json.dumps({"epoch": epoch, "train_loss": train_loss, "test_loss": test_loss}) + "\n")
