"""Run a service's HTTP app with uvicorn, configured from the environment."""

from collections.abc import Callable

import uvicorn
from fastapi import FastAPI

from . import logs


def serve(build_app: Callable[[], FastAPI]) -> None:
    app = build_app()
    settings = app.state.service.settings
    logs.configure(settings.service_name, settings.log_level)
    uvicorn.run(app, host=settings.http_host, port=settings.http_port, log_config=None, access_log=False)
