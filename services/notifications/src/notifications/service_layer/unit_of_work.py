from plumbing.unit_of_work import UnitOfWork

from ..adapters.repository import PostgresNotifications


class NotificationsUnitOfWork(UnitOfWork):
    def repositories(self) -> None:
        self.notifications = PostgresNotifications(self.conn)
