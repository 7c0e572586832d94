"""Errors a service raises for a person to read; web/ turns them into 404/409."""


class DomainError(Exception):
    """A request that breaks a business rule. The message is a sentence for staff."""


class NotFound(DomainError):
    """The record asked for does not exist."""
