"""Untrusted XML parsed safely: no entity expansion, no DTD loading, no network.

:func:`safe_xml` is the one door XML bytes of an evidence file go through (e-invoice XML
and XBRL, OFD package members, signature lists); :class:`XmlRefused` carries the
reviewer-facing reason in Chinese. :func:`local` is the namespace-free tag name all the XML
walkers compare.
"""

from __future__ import annotations

import re
from typing import Any

from lxml import etree


class XmlRefused(Exception):
    """XML refused for safety or size reasons; ``message_zh`` is reviewer-facing."""

    def __init__(self, message_zh: str):
        super().__init__(message_zh)
        self.message_zh = message_zh


_DOCTYPE_RE = re.compile(rb"<!DOCTYPE", re.IGNORECASE)
_ENTITY_RE = re.compile(rb"<!ENTITY", re.IGNORECASE)


def _parser(recover: bool) -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        huge_tree=False,
        load_dtd=False,
        dtd_validation=False,
        remove_comments=True,
        remove_pis=True,
        recover=recover,
    )


def safe_xml(data: bytes, max_bytes: int = 50 * 1024 * 1024, *, recover: bool = False) -> etree._Element:
    """Parse untrusted XML bytes; raise :class:`XmlRefused` (Chinese) when refused or broken.

    Entities are never expanded and nothing is fetched; any ``<!ENTITY`` declaration is
    refused outright (billion-laughs / XXE). libxml2's default depth and text-node
    limits apply (``huge_tree=False``).

    >>> safe_xml(b'<!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>')
    Traceback (most recent call last):
    ...
    extractor.safexml.XmlRefused: XML 文件包含实体声明（<!ENTITY>），可能是“实体膨胀”攻击（billion laughs / XXE），已拒绝解析
    """
    if len(data) > max_bytes:
        raise XmlRefused(
            f"XML 文件过大：{len(data) / 1e6:.1f} MB，超过上限 {max_bytes / 1e6:.0f} MB（limits.max_xml_bytes）"
        )
    if _DOCTYPE_RE.search(data) and _ENTITY_RE.search(data):
        raise XmlRefused(
            "XML 文件包含实体声明（<!ENTITY>），可能是“实体膨胀”攻击（billion laughs / XXE），已拒绝解析"
        )
    try:
        root = etree.fromstring(data, _parser(recover))
    except etree.XMLSyntaxError as exc:
        raise XmlRefused(f"XML 格式错误，无法解析（{str(exc)[:80]}）") from exc
    except ValueError as exc:
        raise XmlRefused(f"XML 无法解析（{type(exc).__name__}）") from exc
    if root is None:
        raise XmlRefused("XML 内容为空或严重损坏，无法解析")
    # The byte pattern above misses declarations in UTF-16/UTF-32 documents; the parsed
    # internal subset does not (entities were not expanded: resolve_entities=False).
    dtd = root.getroottree().docinfo.internalDTD
    if dtd is not None and any(True for _ in dtd.iterentities()):
        raise XmlRefused(
            "XML 文件包含实体声明（<!ENTITY>），可能是“实体膨胀”攻击（billion laughs / XXE），已拒绝解析"
        )
    return root


def local(tag: Any) -> str:
    """Local name of an lxml tag ('' for comments/PIs)."""
    if not isinstance(tag, str):
        return ""
    if "}" in tag:
        tag = tag.rsplit("}", 1)[1]
    return tag.rsplit(":", 1)[-1]
