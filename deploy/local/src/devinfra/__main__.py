"""`python -m devinfra up|down|status|kafka-env|compose-env`: the local platform runner (see devinfra.platform)."""

from __future__ import annotations

import argparse
import dataclasses
import shlex
import sys
from pathlib import Path

from devinfra import platform, workspace


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m devinfra", description=platform.__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    start = commands.add_parser("up", help="start everything and wait until every service is ready")
    start.add_argument("--fresh", action="store_true", help="delete the data of earlier runs first")
    start.add_argument("--no-services", action="store_true", help="only PostgreSQL, Kafka and the SMTP sink")
    start.add_argument("--timeout", type=float, default=120.0, help="seconds to wait for each step (default 120)")
    again = commands.add_parser("restart", help="stop one service (if it runs) and start it again, the rest running on")
    again.add_argument("service", help="profiles, matching, events, notifications or web")
    again.add_argument("--timeout", type=float, default=120.0, help="seconds to wait until it is ready (default 120)")
    commands.add_parser("down", help="stop everything `up` started")
    commands.add_parser("status", help="show the endpoints and which processes run")
    kafka_env = commands.add_parser(
        "kafka-env", help="print the KAFKA_* variables that connect a command to the running broker, for eval")
    kafka_env.add_argument("principal", nargs="?", default="admin", help="default: admin, the operator's")
    compose = commands.add_parser("compose-env", help="write .env for `docker compose up` from this machine's secrets")
    compose.add_argument("--output", type=Path, default=None, help="default: .env at the repository's root")
    args = parser.parse_args(argv)

    try:
        if args.command == "up":
            services = () if args.no_services else platform.SERVICES
            endpoints = platform.up(services=services, fresh=args.fresh, timeout=args.timeout)
            _print_endpoints(dataclasses.asdict(endpoints))
            print(f"logs in {platform.default_run_dir() / 'logs'}; stop with: python -m devinfra down")
            print(f"secrets of this machine in {platform.default_run_dir() / 'secrets.json'}; "
                  "a token: python -m plumbing.auth mint --role admin")
        elif args.command == "kafka-env":
            for variable, value in platform.kafka_environment(args.principal).items():
                print(f"export {variable}={shlex.quote(value)}")
        elif args.command == "compose-env":
            written = platform.write_compose_env(args.output)
            print(f"wrote {written} (readable by you only): `docker compose up --build` reads it")
        elif args.command == "restart":
            platform.restart(args.service, timeout=args.timeout)
            print(f"{args.service} restarted and ready; its log: {platform.default_run_dir() / 'logs' / args.service}.log")
        elif args.command == "down":
            stopped = platform.down()
            print(f"stopped: {', '.join(stopped)}" if stopped else "nothing was running")
        else:
            current = platform.status()
            if current["endpoints"]:
                _print_endpoints(current["endpoints"])
            for process in current["processes"]:
                print(f"{process['name']:<16}pid {process['pid']:<8}{'running' if process['running'] else 'stopped'}")
            if not current["processes"]:
                print("nothing recorded: the platform is down")
    except (platform.PlatformError, workspace.WorkspaceError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


def _print_endpoints(endpoints: dict) -> None:
    print(f"{'kafka':<16}{endpoints['kafka_bootstrap_servers']}")
    print(f"{'postgres':<16}{endpoints['postgres_admin_dsn']}")
    smtp = f"{endpoints['smtp_host']}:{endpoints['smtp_port']}"
    print(f"{'smtp sink':<16}smtp {smtp}, {endpoints['smtp_sink_url']}/messages")
    for name, url in endpoints["services"].items():
        print(f"{name:<16}{url}  (DATABASE_URL={endpoints['database_urls'][name]})")


if __name__ == "__main__":
    sys.exit(main())
