"""Which payment providers exist (registered in code) and which are on (settings).

``settings.PAYMENT_PROVIDERS`` lists the enabled provider names; each provider reads its own
settings. Tests build their own ``ProviderRegistry`` and hand it to the services.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings

from .exceptions import ProviderNotEnabled
from .providers.base import PaymentProvider


class ProviderRegistry:
    def __init__(self) -> None:
        self._classes: dict[str, type[PaymentProvider]] = {}

    def register(self, name: str) -> Callable[[type[PaymentProvider]], type[PaymentProvider]]:
        def decorator(cls: type[PaymentProvider]) -> type[PaymentProvider]:
            if name in self._classes and self._classes[name] is not cls:
                raise ValueError(f"payment provider {name!r} is registered twice")
            cls.name = name
            self._classes[name] = cls
            return cls

        return decorator

    def enabled_names(self) -> list[str]:
        return [name for name in settings.PAYMENT_PROVIDERS if name in self._classes]

    def get(self, name: str) -> PaymentProvider:
        if name not in self.enabled_names():
            raise ProviderNotEnabled(f"Payment provider {name!r} is not enabled.", field="provider")
        return self._classes[name]()


registry = ProviderRegistry()
register = registry.register
