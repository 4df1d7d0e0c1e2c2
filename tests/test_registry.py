"""The agency registry data (nlp/data/agencies.jsonl), its loader and its build script."""

from __future__ import annotations

import importlib.util
import json
import sys
from collections import defaultdict
from pathlib import Path

import pytest

from nlp.registry import DATA, Registry, key

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(__file__).resolve().parents[2] / "shared"
KINDS = {
    "cabinet", "ministry", "department", "office", "committee", "subcommittee", "council", "working_group",
    "province", "state_enterprise", "public_organization", "independent_organization", "legislature",
    "court", "local_government", "center", "other",
}
# written forms knowingly shared by two entries (lookup then returns the one whose full name it is)
ALLOWED_SHARED_KEYS: set[str] = set()
MINISTRIES = {
    "กค.": "กระทรวงการคลัง", "มท.": "กระทรวงมหาดไทย", "กต.": "กระทรวงการต่างประเทศ", "คค.": "กระทรวงคมนาคม",
    "ทส.": "กระทรวงทรัพยากรธรรมชาติและสิ่งแวดล้อม", "กษ.": "กระทรวงเกษตรและสหกรณ์", "พณ.": "กระทรวงพาณิชย์",
    "สธ.": "กระทรวงสาธารณสุข", "อว.": "กระทรวงการอุดมศึกษา วิทยาศาสตร์ วิจัยและนวัตกรรม",
    "อก.": "กระทรวงอุตสาหกรรม", "ดศ.": "กระทรวงดิจิทัลเพื่อเศรษฐกิจและสังคม", "รง.": "กระทรวงแรงงาน",
    "พม.": "กระทรวงการพัฒนาสังคมและความมั่นคงของมนุษย์", "ศธ.": "กระทรวงศึกษาธิการ", "พน.": "กระทรวงพลังงาน",
    "ยธ.": "กระทรวงยุติธรรม", "กก.": "กระทรวงการท่องเที่ยวและกีฬา", "วธ.": "กระทรวงวัฒนธรรม",
    "กห.": "กระทรวงกลาโหม", "นร.": "สำนักนายกรัฐมนตรี",
}


@pytest.fixture(scope="module")
def reg() -> Registry:
    return Registry.load()


@pytest.fixture(scope="module")
def rows() -> list[dict]:
    with DATA.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def test_loads(reg: Registry, rows: list[dict]) -> None:
    assert len(reg) == len(rows)
    assert 400 <= len(reg) <= 900


def test_schema(rows: list[dict]) -> None:
    fields = {"id", "name", "abbreviation", "aliases", "english", "kind", "parent", "sources"}
    for r in rows:
        assert set(r) == fields, r["id"]
        assert isinstance(r["name"], str) and r["name"].strip() == r["name"] and r["name"], r["id"]
        assert r["abbreviation"] is None or (isinstance(r["abbreviation"], str) and r["abbreviation"])
        assert isinstance(r["aliases"], list) and all(isinstance(a, str) and a for a in r["aliases"])
        assert r["english"] is None or r["english"].isascii(), r["id"]
        assert r["sources"], r["id"]
        for s in r["sources"]:
            assert s in ("seed", "pythainlp:provinces") or (
                s.split(":")[0] in ("mined", "corpus") and s.split(":")[1].isdigit()
            ), s


def test_ids_unique_ascii_sorted(rows: list[dict]) -> None:
    ids = [r["id"] for r in rows]
    assert len(ids) == len(set(ids))
    assert ids == sorted(ids)
    for i in ids:
        assert i.isascii() and i == i.lower() and " " not in i, i


def test_parents_exist_and_dotted_ids_nest(reg: Registry) -> None:
    for e in reg:
        if e.parent is not None:
            assert reg.get(e.parent) is not None, (e.id, e.parent)
            assert e.parent != e.id
        if "." in e.id and not e.id.startswith("province."):
            assert reg.get(e.id.rsplit(".", 1)[0]) is not None, e.id


def test_kinds(reg: Registry) -> None:
    assert {e.kind for e in reg} <= KINDS


def test_provinces(reg: Registry) -> None:
    provinces = [e for e in reg if e.kind == "province"]
    assert len(provinces) == 76
    assert all(e.id.startswith("province.") and e.name.startswith("จังหวัด") and e.parent is None
               for e in provinces)
    bangkok = reg.lookup("กรุงเทพมหานคร")
    assert bangkok is not None and bangkok.kind == "local_government"
    assert reg.lookup("กทม.") is bangkok
    assert len(provinces) + 1 == 77
    ratchaburi = reg.get("province.ratchaburi")
    assert ratchaburi is not None and ratchaburi.name == "จังหวัดราชบุรี" and ratchaburi.english == "Ratchaburi"
    assert reg.lookup("ราชบุรี") is ratchaburi
    assert reg.lookup("จังหวัดพระนครศรีอยุธยา") is reg.get("province.phra_nakhon_si_ayutthaya")


def test_ministries(reg: Registry) -> None:
    ministries = [e for e in reg if e.kind == "ministry"]
    assert len(ministries) == 20
    for abbr, name in MINISTRIES.items():
        e = reg.lookup(name)
        assert e is not None and e.kind == "ministry", name
        assert e.abbreviation == abbr, (name, e.abbreviation)
        assert reg.lookup(abbr) is e
        assert e.english, name
        # every ministry has its office of the permanent secretary
        assert any(c.parent == e.id and c.name.startswith("สำนักงานปลัด") for c in reg), name


def test_permanent_secretary_moi(reg: Registry) -> None:
    a = reg.lookup("สป.มท")
    b = reg.lookup("สำนักงานปลัดกระทรวงมหาดไทย")
    assert a is not None and a is b
    assert reg.lookup("สป.มท.") is a
    moi = reg.lookup("กระทรวงมหาดไทย")
    assert moi is not None and a.parent == moi.id == "moi"


@pytest.mark.parametrize(
    ("surface", "name"),
    [
        ("อปท.", "องค์กรปกครองส่วนท้องถิ่น"),
        ("สำนักงาน ก.พ.ร.", "สำนักงานคณะกรรมการพัฒนาระบบราชการ"),
        ("OPDC", "สำนักงานคณะกรรมการพัฒนาระบบราชการ"),
        ("ก.พ.ร.", "คณะกรรมการพัฒนาระบบราชการ"),
        ("ก.พ.", "คณะกรรมการข้าราชการพลเรือน"),
        ("ศบค.", "ศูนย์บริหารสถานการณ์การแพร่ระบาดของโรคติดเชื้อไวรัสโคโรนา 2019"),
        ("ก.บ.ภ.", "คณะกรรมการบูรณาการนโยบายพัฒนาภาค"),
        ("สงป.", "สำนักงบประมาณ"),
        ("สปอ.", "สำนักงานปลัดกระทรวงอุตสาหกรรม"),
        ("ครม.", "คณะรัฐมนตรี"),
        ("สศช.", "สำนักงานสภาพัฒนาการเศรษฐกิจและสังคมแห่งชาติ"),
        ("กฟผ.", "การไฟฟ้าฝ่ายผลิตแห่งประเทศไทย"),
        ("ธ.ก.ส.", "ธนาคารเพื่อการเกษตรและสหกรณ์การเกษตร"),
        ("กรุงเทพฯ", "กรุงเทพมหานคร"),
    ],
)
def test_known_forms(reg: Registry, surface: str, name: str) -> None:
    e = reg.lookup(surface)
    assert e is not None, surface
    assert e.name == name


def test_general_bodies_present(reg: Registry) -> None:
    for name in ("วุฒิสภา", "สภาผู้แทนราษฎร", "รัฐสภา", "คณะกรรมการปฏิรูปประเทศ", "กรมส่งเสริมการปกครองท้องถิ่น",
                 "กรมการปกครอง", "กรมป่าไม้", "กรมควบคุมโรค", "กรมสรรพากร", "สำนักเลขาธิการคณะรัฐมนตรี",
                 "สำนักงานคณะกรรมการกฤษฎีกา", "สำนักข่าวกรองแห่งชาติ", "กรมประชาสัมพันธ์"):
        assert reg.lookup(name) is not None, name
    dla = reg.lookup("สถ.")
    assert dla is not None and dla.name == "กรมส่งเสริมการปกครองท้องถิ่น" and dla.parent == "moi"
    assert reg.lookup("กรมบัญชีกลาง").parent == "mof"


def test_no_document_specific_bodies(reg: Registry) -> None:
    # sub-committees and working groups are learned per document by the extractor
    assert not [e for e in reg if e.kind in ("subcommittee", "working_group")]
    assert reg.lookup("อ.ก.พ.ร.") is None


def test_no_shared_lookup_keys(reg: Registry) -> None:
    owners: dict[str, set[str]] = defaultdict(set)
    for form, e in reg.surfaces():
        owners[key(form)].add(e.id)
    shared = {k: ids for k, ids in owners.items() if len(ids) > 1 and k not in ALLOWED_SHARED_KEYS}
    assert not shared


def test_ambiguous_abbreviations_left_out(reg: Registry) -> None:
    # สผ. is both the House secretariat and the environment policy office: neither gets it
    assert reg.lookup("สผ.") is None
    # a province code that is also an agency's abbreviation stays with the agency
    assert reg.lookup("อย.").name == "สำนักงานคณะกรรมการอาหารและยา"
    # abbreviations never defined in the corpus that are everyday words or other units' codes are left out:
    # คน. (a person, full stop), คร. (the labour form คร.7), บก. (editor, กองบังคับการ: บก.ปคม.)
    for form in ("คน.", "คร.", "บก.", "อน.", "วพ."):
        e = reg.lookup(form)
        assert e is None or e.kind == "province", form
    # กกร. is the private-sector joint committee far more often than the prices committee
    assert reg.lookup("กกร.").id == "jsccib"
    assert reg.get("prices").abbreviation is None
    for form in ("กสส.", "สกร.", "กพร.", "สช.", "สค.", "ศก.", "สส."):
        e = reg.lookup(form)
        assert e is None or e.kind == "province", form


def _build_module():
    spec = importlib.util.spec_from_file_location("build_registry", ROOT / "scripts" / "build_registry.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["build_registry"] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_abbreviation_plausibility() -> None:
    build = _build_module()
    assert build.plausible("สป.มท.", "สำนักงานปลัดกระทรวงมหาดไทย")
    assert build.plausible("ปค.", "กรมการปกครอง")
    assert build.plausible("กนช.", "คณะกรรมการทรัพยากรน้ำแห่งชาติ")
    assert not build.plausible("กค.", "ธนาคารแห่งประเทศไทย")
    assert not build.plausible("ทส.", "กรมป่าไม้")
    assert build.clean_name("ตามที่กระทรวงสาธารณสุข", "สธ.") == "กระทรวงสาธารณสุข"
    assert build.clean_name("กรมควบคุมโรค กระทรวงสาธารณสุข", "สธ.") == "กระทรวงสาธารณสุข"


@pytest.mark.skipif(not SHARED.exists(), reason="../shared is not available")
def test_build_is_deterministic_and_matches_committed(tmp_path: Path) -> None:
    build = _build_module()
    first, second = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    assert build.main(["--out", str(first), "--shared", str(SHARED)]) == 0
    assert build.main(["--out", str(second), "--shared", str(SHARED)]) == 0
    assert first.read_bytes() == second.read_bytes()
    assert first.read_bytes() == DATA.read_bytes(), "nlp/data/agencies.jsonl is stale: rerun the build"


def test_build_fails_clearly_without_shared(tmp_path: Path) -> None:
    build = _build_module()
    with pytest.raises(SystemExit, match="shared"):
        build.main(["--out", str(tmp_path / "x.jsonl"), "--shared", str(tmp_path / "nowhere")])
    assert not (tmp_path / "x.jsonl").exists()


# --- v1 completion ----------------------------------------------------------------------------------

EVIDENCE = ROOT / "nlp" / "data" / "registry_evidence.tsv"
# short forms kept although the corpus never defines them and the mined pairs lack them, checked by hand
HAND_CONFIRMED = {
    "คตง.": "the official abbreviation of the State Audit Commission (organic act on state audit)",
    "สป.รง.": "three news items use it for the labour ministry's permanent secretary office",
}


def _evidence() -> dict[str, dict[str, tuple[int, str]]]:
    out: dict[str, dict[str, tuple[int, str]]] = defaultdict(dict)
    for line in EVIDENCE.read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            continue
        ident, form, docs, defined = line.split("\t")
        out[ident][form] = (int(docs), defined)
    return out


def test_every_ministry_has_departments(reg: Registry) -> None:
    for m in (e for e in reg if e.kind == "ministry"):
        units = [e for e in reg if e.parent == m.id and e.kind in ("department", "office")
                 and not e.name.startswith("สำนักงานปลัด")]
        assert len(units) >= 3, (m.id, [u.id for u in units])
    assert len([e for e in reg if e.kind == "department"]) >= 95


@pytest.mark.parametrize(
    ("name", "parent"),
    [
        ("กรมการปกครอง", "moi"), ("กรมที่ดิน", "moi"), ("กรมชลประทาน", "moac"), ("กรมหม่อนไหม", "moac"),
        ("กรมสรรพสามิต", "mof"), ("สำนักงานบริหารหนี้สาธารณะ", "mof"), ("กรมการกงสุล", "mfa"), ("กรมอาเซียน", "mfa"),
        ("กรมพลศึกษา", "mots"), ("มหาวิทยาลัยการกีฬาแห่งชาติ", "mots"), ("กรมกิจการผู้สูงอายุ", "msdhs"),
        ("กรมวิทยาศาสตร์บริการ", "mhesi"), ("กรมการขนส่งทางราง", "mot"), ("กรมทรัพยากรน้ำบาดาล", "mnre"),
        ("กรมอุตุนิยมวิทยา", "mdes"), ("กรมเชื้อเพลิงธรรมชาติ", "moen"), ("กรมทรัพย์สินทางปัญญา", "moc"),
        ("กรมบังคับคดี", "moj"), ("กรมสอบสวนคดีพิเศษ", "moj"), ("กรมการจัดหางาน", "mol"),
        ("สถาบันบัณฑิตพัฒนศิลป์", "mculture"), ("กรมส่งเสริมการเรียนรู้", "moe"), ("สถาบันพระบรมราชชนก", "moph"),
        ("กรมสุขภาพจิต", "moph"), ("สำนักงานเศรษฐกิจอุตสาหกรรม", "moind"), ("กองทัพบก", "mod"),
        ("สำนักงานคณะกรรมการพิเศษเพื่อประสานงานโครงการอันเนื่องมาจากพระราชดำริ", "opm"),
    ],
)
def test_departments_with_parents(reg: Registry, name: str, parent: str) -> None:
    e = reg.lookup(name)
    assert e is not None, name
    assert e.parent == parent, (name, e.parent)
    assert e.kind in ("department", "office"), (name, e.kind)


@pytest.mark.parametrize(
    ("surface", "agency_id"),
    [
        ("กกต.", "ecc"), ("สำนักงาน กกต.", "ecc.office"), ("ป.ป.ช.", "nacc"), ("สตง.", "oag_audit"),
        ("ผผ.", "ombudsman"), ("กสม.", "nhrc"), ("ตร.", "rtp"), ("ทร.", "mod.navy"), ("บก.ทท.", "mod.rtarf"),
        ("ครม.", "cabinet"), ("ก.พ.", "csc"), ("ก.พ.ร.", "psdc"), ("ก.บ.ภ.", "cbpi"), ("ก.บ.จ.", "provincial_integrated"),
        ("กพยช.", "justicedev"), ("คนร.", "sepc"), ("กพช.", "nepc"), ("กนง.", "mpc"), ("ศบค.", "ccsa"),
        ("ศบศ.", "cesa"), ("กปร.", "rdpb"), ("สำนักงาน กปร.", "opm.rdpb"), ("ก.ต.ช.", "police_policy"),
        ("กอนช.", "opm.onwr.nwc"), ("ป.ป.ส.", "moj.oncb"), ("ก.ล.ต.", "sec"), ("คปภ.", "oic"), ("กขค.", "tcc_board"),
        ("สขค.", "tcct"), ("สปอ.", "moind.ops"), ("บสย.", "mof.tcg"), ("สสปน.", "opm.tceb"), ("อพวช.", "mhesi.nsm"),
        ("สคฝ.", "mof.dpa"), ("กอน.", "cane_sugar"), ("สอน.", "moind.ocsb"), ("กมอ.", "tisi_board"),
        ("ส.อ.ท.", "fti"), ("กกร.", "jsccib"), ("ศรส.", "wellbeing_center"), ("ศบ.ทก.", "border_center"),
        ("บรรษัทประกันสินเชื่ออุตสาหกรรมขนาดย่อม", "mof.tcg"),
        ("สำนักงานคณะกรรมการป้องกันและปราบปรามยาเสพติด", "moj.oncb"),
        ("ศูนย์เฉพาะกิจบริหารสถานการณ์บริเวณชายแดนไทย-กัมพูชา", "border_center"),
    ],
)
def test_well_known_abbreviations(reg: Registry, surface: str, agency_id: str) -> None:
    e = reg.lookup(surface)
    assert e is not None and e.id == agency_id, (surface, e and e.id)


def test_scope_kinds_present(reg: Registry) -> None:
    kinds = defaultdict(int)
    for e in reg:
        kinds[e.kind] += 1
    assert kinds["ministry"] == 20 and kinds["province"] == 76
    assert kinds["committee"] >= 100 and kinds["public_organization"] >= 20 and kinds["state_enterprise"] >= 45
    assert kinds["independent_organization"] == 5 and kinds["court"] >= 6


def test_evidence_covers_registry_and_confirms_short_forms(reg: Registry) -> None:
    ev = _evidence()
    for e in reg:
        if e.kind == "province":
            continue
        assert e.id in ev and "*" in ev[e.id], f"{e.id} has no corpus evidence: rerun scripts/registry_evidence.py"
        assert set(e.surfaces) <= set(ev[e.id]), f"{e.id}: evidence is stale"
        corpus = [s for s in e.sources if s.startswith("corpus:")]
        assert corpus == ([f"corpus:{ev[e.id]['*'][0]}"] if ev[e.id]["*"][0] else []), e.id
        mined = any(s.startswith("mined:") for s in e.sources)
        for form, (docs, defined) in ev[e.id].items():
            if form == "*" or defined == "" or form.isascii():
                continue  # full names; English acronyms
            confirmed = (defined.isdigit() and int(defined) > 0) or (mined and docs > 0)
            assert confirmed or form in HAND_CONFIRMED, (e.id, form, docs, defined)


def test_every_entry_is_named_in_the_corpus_or_seeded(reg: Registry) -> None:
    # an entry nobody writes about is a guess: every one outside the provinces has news items naming it
    ev = _evidence()
    unnamed = [e.id for e in reg if e.kind != "province" and ev[e.id]["*"][0] == 0]
    assert not unnamed
