from plumbing.unit_of_work import UnitOfWork

from ..adapters.repository import PostgresNotifications


class NotificationsUnitOfWork(UnitOfWork):
    """Satisfies `ports.NotificationsUnitOfWorkPort` over PostgreSQL."""

    notifications: PostgresNotifications

    def repositories(self) -> None:
        self.notifications = PostgresNotifications(self.conn)
