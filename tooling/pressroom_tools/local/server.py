"""The emulated stack as a server: moto over HTTP, with the local stack's patches applied.

Run in the emulated stack's container (see images.py) as `python -m pressroom_tools.local.server`;
`sam local` containers reach it on the project's Docker network, the host through a port
published on 127.0.0.1. The patches are those the in-process stack applies: S3 notifications
with versionId and sequencer, and DynamoDB queries that read only their partition.
"""

from __future__ import annotations

import argparse
import signal
import threading
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager, suppress

from moto.server import ThreadedMotoServer

from pressroom_tools.local.moto_speed import faster_moto
from pressroom_tools.local.s3_events import faithful_s3_notifications


@contextmanager
def serving(host: str, port: int) -> Iterator[str]:
    """moto's server on host:port (0: any free port) with the patches; yields its URL."""
    with ExitStack() as patches:
        patches.enter_context(faithful_s3_notifications())
        patches.enter_context(faster_moto())
        server = ThreadedMotoServer(ip_address=host, port=port, verbose=False)
        server.start()
        try:
            bound_host, bound_port = server.get_host_and_port()
            yield f"http://{bound_host}:{bound_port}"
        finally:
            server.stop()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m pressroom_tools.local.server", description=__doc__)
    parser.add_argument("--host", default="0.0.0.0")  # noqa: S104 - inside its container, for its network
    parser.add_argument("--port", type=int, default=5000)
    args = parser.parse_args(argv)
    stopped = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    with serving(args.host, args.port) as url:
        print(f"emulated stack listening on {url}", flush=True)
        with suppress(KeyboardInterrupt):
            stopped.wait()


if __name__ == "__main__":
    main()
