from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from channels.layers import get_channel_layer


@pytest.fixture
async def channel_layer() -> AsyncIterator[object]:
    """The configured layer, emptied before and after so groups never leak between tests."""
    layer = get_channel_layer()
    await layer.flush()
    yield layer
    await layer.flush()
