"""Offline e-invoice signature check: time per invoice, detection of tampered copies, false alarms.

    python bench/signature.py [--repeat N] [--realdocs DIR]

On every PDF/OFD invoice of the real documents folder (../shared/realdocs/invoices):
the first call (imports pyHanko/gmssl) and the median/max time of
``extractor.signatures.verify_signature`` over N repeats (target: ≤ 50 ms per invoice).
Then on tampered copies of the signed ones made here (OFD: page amount, OFD.xml, digest
list, DocRoot redirect, signature value, removed Signatures entry; PDF: same-length in-place
edit, re-saves with PyMuPDF, incremental updates): how many the rule ``invoice.signature``
would not pass (fail = changed after signing; review = the test CA / unsigned content of the
original is still reported), and the untouched files flagged broken/error (false alarms).
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import io
import re
import shutil
import statistics
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from extractor.signatures import verify_signature  # noqa: E402
from models.signature import SignatureCheck  # noqa: E402
from verifiers.signature import known_issuers  # noqa: E402


def _realdocs() -> Path:
    for p in Path(__file__).resolve().parents:
        if (p / "shared" / "realdocs").is_dir():
            return p / "shared" / "realdocs"
    return ROOT.parent / "shared" / "realdocs"


def outcome(check: SignatureCheck) -> str:
    """What rule invoice.signature makes of a check: fail / review / pass / none."""
    if check.status == "broken":
        return "fail"
    if check.status == "error":
        return "review"
    if check.status == "unsigned":
        return "none"
    if check.unsigned_files or known_issuers().classify(check) in {"test", "unknown"}:
        return "review"
    return "pass"


def _rewrite(data: bytes, changes: dict[str, bytes | None], add: dict[str, bytes] | None = None) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename not in changes:
                dst.writestr(info, src.read(info.filename))
            elif changes[info.filename] is not None:
                dst.writestr(info, changes[info.filename])
        for name, body in (add or {}).items():
            dst.writestr(name, body)
    return out.getvalue()


def _edit_amount(content: bytes) -> bytes:
    """Raise the first printed money amount of a page by a leading 9 (same length)."""
    m = re.search(rb"([>\[][\xc2\xa5\xef\xbf\xa5]*)(\d+\.\d\d)([<\]])", content)
    if m is None:
        raise ValueError("no printed amount")
    amount = m.group(2)
    forged = (b"9" if amount[:1] != b"9" else b"8") + amount[1:]
    return content[: m.start(2)] + forged + content[m.end(2) :]


def ofd_tampered(data: bytes) -> dict[str, bytes]:
    z = zipfile.ZipFile(io.BytesIO(data))
    names = z.namelist()
    page = next(n for n in names if n.endswith("Page_0/Content.xml"))
    sx_name = next(n for n in names if n.endswith("Signature.xml") and "/Signs/" in f"/{n}")
    value_name = next(n for n in names if n.endswith("SignedValue.dat"))
    edited_page = _edit_amount(z.read(page))
    ofd_xml = z.read("OFD.xml")
    out = {"page amount": _rewrite(data, {page: edited_page})}
    out["OFD.xml edit"] = _rewrite(
        data,
        {"OFD.xml": ofd_xml.replace(b"</ofd:DocInfo>", b"<ofd:Keywords>x</ofd:Keywords></ofd:DocInfo>", 1)},
    )
    sx = z.read(sx_name).decode("utf-8")
    m = re.search(r'FileRef="/?' + re.escape(page) + r'"\s*>\s*<ofd:CheckValue>([^<]+)<', sx)
    if m:
        new = base64.b64encode(hashlib.new("sm3", edited_page).digest()).decode()
        sx = sx[: m.start(1)] + new + sx[m.end(1) :]
        out["digest list"] = _rewrite(data, {page: edited_page, sx_name: sx.encode("utf-8")})
    copies = {}
    for n in names:
        if n.startswith("Doc_0/") and not n.endswith("/") and "/Signs/" not in n:
            body = edited_page if n == page else z.read(n)
            copies["Doc_9/" + n[6:]] = body.replace(b"/Doc_0/", b"/Doc_9/")
    redirected = re.sub(rb"(<ofd:DocRoot>\s*/?)Doc_0/", rb"\1Doc_9/", ofd_xml)
    out["DocRoot redirect"] = _rewrite(data, {"OFD.xml": redirected}, add=copies)
    value = bytearray(z.read(value_name))
    value[-5] ^= 1
    out["signature value"] = _rewrite(data, {value_name: bytes(value)})
    stripped = re.sub(rb"<ofd:Signatures>[^<]*</ofd:Signatures>", b"", ofd_xml)
    out["Signatures entry removed"] = _rewrite(data, {"OFD.xml": stripped})
    return out


def pdf_tampered(path: Path) -> dict[str, bytes]:
    import pymupdf

    data = path.read_bytes()
    out: dict[str, bytes] = {}
    m = re.search(rb"/CreationDate\s*\(D:(\d)", data)
    if m:
        b = bytearray(data)
        b[m.start(1)] = ord("1") if b[m.start(1)] != ord("1") else ord("2")
        out["in-place edit (same length)"] = bytes(b)
    s = re.search(rb"stream\r?\n", data)
    if s:
        b = bytearray(data)
        b[s.end() + 10] ^= 0x20
        out["in-place stream byte"] = bytes(b)
    with pymupdf.open(stream=data, filetype="pdf") as doc:
        out["re-save (PyMuPDF)"] = doc.tobytes()
        out["re-save garbage=3 deflate"] = doc.tobytes(garbage=3, deflate=True)
    with tempfile.TemporaryDirectory() as tmp:
        for how in ("text", "annotation"):
            p = Path(tmp) / f"{how}.pdf"
            shutil.copyfile(path, p)
            with pymupdf.open(p) as doc:
                if how == "text":
                    doc[0].insert_text((100, 100), "999.00")
                else:
                    doc[0].add_freetext_annot(pymupdf.Rect(100, 100, 200, 130), "999.00")
                doc.saveIncr()
            out[f"incremental update ({how})"] = p.read_bytes()
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=20)
    ap.add_argument("--realdocs", type=Path, default=_realdocs())
    args = ap.parse_args()
    folder = args.realdocs / "invoices"
    files = sorted(p for p in folder.glob("*") if p.suffix.lower() in {".pdf", ".ofd"})
    if not files:
        print(f"no PDF/OFD invoices under {folder}", file=sys.stderr)
        return 2

    print(f"{'invoice':<52} {'status':<9} {'first':>8} {'median':>8} {'max':>8} {'cpu':>8}")
    medians: list[float] = []
    cpu_medians: list[float] = []
    signed: list[tuple[Path, SignatureCheck]] = []
    alarms = 0
    for p in files:
        data = p.read_bytes()
        t = time.perf_counter()
        check = verify_signature(data)
        first = (time.perf_counter() - t) * 1000
        times, cpu = [], []
        for _ in range(args.repeat):
            t, c = time.perf_counter(), time.process_time()
            verify_signature(data)
            times.append((time.perf_counter() - t) * 1000)
            cpu.append((time.process_time() - c) * 1000)
        med = statistics.median(times)
        cpu_medians.append(statistics.median(cpu))
        medians.append(med)
        if check.status in {"broken", "error"}:
            alarms += 1
        if check.status != "unsigned":
            signed.append((p, check))
        print(
            f"{p.name[:52]:<52} {check.status:<9} {first:7.1f}  {med:7.1f}  {max(times):7.1f}  "
            f"{cpu_medians[-1]:7.1f} ms"
        )
    is_signed = [any(p == s for s, _ in signed) for p in files]
    signed_medians = [m for m, k in zip(medians, is_signed, strict=True) if k]
    signed_cpu = [m for m, k in zip(cpu_medians, is_signed, strict=True) if k]
    print(
        f"\nper invoice (median of {args.repeat}): all {statistics.mean(medians):.1f} ms mean, "
        f"signed {statistics.mean(signed_medians):.1f} ms mean, worst {max(medians):.1f} ms wall; "
        f"CPU signed {statistics.mean(signed_cpu):.1f} ms mean, worst {max(cpu_medians):.1f} ms "
        f"(target ≤ 50 ms; 'first' includes importing pyHanko/gmssl once per process; wall time "
        f"grows when other processes share the cores)"
    )
    print(f"false alarms on {len(files)} untouched files (broken/error): {alarms}")

    print(f"\n{'tampered copy':<60} {'status':<8} rule")
    total = caught = failed = 0
    for p, original in signed:
        copies = ofd_tampered(p.read_bytes()) if p.suffix.lower() == ".ofd" else pdf_tampered(p)
        for what, data in copies.items():
            check = verify_signature(data)
            result = outcome(check)
            total += 1
            caught += result in {"fail", "review"}
            failed += result == "fail"
            print(f"{p.name[:34] + ': ' + what:<60} {check.status:<8} {result}")
        print(f"{p.name[:34] + ': untouched':<60} {original.status:<8} {outcome(original)}")
    print(
        f"\ntampered copies caught (rule not pass): {caught}/{total} = {100 * caught / max(total, 1):.0f} %; "
        f"of them fail (changed after signing): {failed}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
