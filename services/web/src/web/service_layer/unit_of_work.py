"""The web app's unit of work: its two tables on one transaction."""

from plumbing.unit_of_work import UnitOfWork

from ..adapters.repository import PostgresSessions, PostgresSignInLinks


class WebUnitOfWork(UnitOfWork):
    links: PostgresSignInLinks
    sessions: PostgresSessions

    def repositories(self) -> None:
        self.links = PostgresSignInLinks(self.conn)
        self.sessions = PostgresSessions(self.conn)
