"""The web app's unit of work: its tables on one transaction."""

from plumbing.unit_of_work import UnitOfWork

from ..adapters.repository import PostgresOidcAttempts, PostgresSessions, PostgresSignInLinks


class WebUnitOfWork(UnitOfWork):
    links: PostgresSignInLinks
    sessions: PostgresSessions
    oidc: PostgresOidcAttempts

    def repositories(self) -> None:
        self.links = PostgresSignInLinks(self.conn)
        self.sessions = PostgresSessions(self.conn)
        self.oidc = PostgresOidcAttempts(self.conn)
