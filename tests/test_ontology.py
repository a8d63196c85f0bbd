"""The entity base: loader validation (exact messages, file:line), merge rule, URL lookups, curated facts."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.errors import OntologyError
from kg.models import AliasRecord
from kg.ontology import load_base
from kg.ontology.base import EntityBase
from kg.ontology.fileformat import KEYS, dump_block, dump_blocks
from kg.ontology.stats import base_stats


@pytest.fixture(scope="module")
def base() -> EntityBase:
    return load_base(use_cache=False)


def write(root: Path, name: str, text: str) -> Path:
    folder = root / "entities"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


KNATIVE = """\
- slug: knative
  type: Project
  label: Knative
  homepage: https://knative.dev/
  repository: ["https://github.com/knative/serving"]
  source: cncf-landscape

- slug: google
  type: Organization
  label: Google
  source: cncf-landscape
"""


# --------------------------------------------------------------------------- loader errors


def error_of(root: Path) -> str:
    with pytest.raises(OntologyError) as caught:
        load_base(root, use_cache=False)
    return str(caught.value)


def test_duplicate_slug_names_both_places(tmp_path: Path) -> None:
    first = write(tmp_path, "curated-a.yaml", "- slug: knative\n  type: Project\n  label: Knative\n")
    second = write(
        tmp_path,
        "curated-b.yaml",
        "- slug: other\n  type: Project\n  label: Other\n\n"
        "- slug: knative\n  type: Project\n  label: Knative 2\n",
    )
    assert error_of(tmp_path) == (
        f"{second}:5: duplicate slug 'knative' (first defined at {first}:1); "
        "rename one of them or merge the two blocks"
    )


def test_duplicate_slug_within_generated_files(tmp_path: Path) -> None:
    first = write(tmp_path, "landscape-a.yaml", KNATIVE)
    second = write(tmp_path, "landscape-b.yaml", "- slug: google\n  type: Organization\n  label: G\n")
    assert error_of(tmp_path) == (
        f"{second}:1: duplicate slug 'google' (first defined at {first}:8); "
        "rename one of them or merge the two blocks"
    )


def test_unknown_type_suggests_the_closest(tmp_path: Path) -> None:
    path = write(tmp_path, "curated-x.yaml", "- slug: a\n  type: Projet\n  label: A\n")
    assert error_of(tmp_path) == (
        f"{path}:1: unknown type 'Projet' for 'a'; did you mean 'Project'? "
        "(one of Project, Organization, Product, Specification, Concept)"
    )


def test_linker_minted_types_are_not_listed(tmp_path: Path) -> None:
    path = write(tmp_path, "curated-x.yaml", "- slug: a\n  type: Proposal\n  label: A\n")
    assert error_of(tmp_path).startswith(f"{path}:1: unknown type 'Proposal' for 'a'")


def test_unknown_organization_suggests_a_slug(tmp_path: Path) -> None:
    write(tmp_path, "landscape-a.yaml", KNATIVE)
    path = write(
        tmp_path,
        "curated-x.yaml",
        "- slug: cloud-run\n  type: Product\n  label: Cloud Run\n  organization: gogle\n",
    )
    assert error_of(tmp_path) == (
        f"{path}:1: unknown organization 'gogle' for 'cloud-run'; did you mean 'google'?"
    )


def test_unknown_part_of_without_close_match(tmp_path: Path) -> None:
    path = write(
        tmp_path, "curated-x.yaml", "- slug: kubelet\n  type: Project\n  label: kubelet\n  part_of: zzzz\n"
    )
    assert (
        error_of(tmp_path) == f"{path}:1: unknown part_of 'zzzz' for 'kubelet'; add an entity with that slug"
    )


def test_malformed_yaml_names_the_line(tmp_path: Path) -> None:
    path = write(tmp_path, "curated-x.yaml", "- slug: a\n  type: Project\n  label: [A\n\n- slug: b\n")
    message = error_of(tmp_path)
    assert message.startswith(f"{path}:5: malformed YAML (")
    assert message.endswith("); fix the block there")


def test_unknown_key_and_key_order(tmp_path: Path) -> None:
    path = write(tmp_path, "curated-x.yaml", "- slug: a\n  type: Project\n  label: A\n  alias: [B]\n")
    assert error_of(tmp_path) == f"{path}:1: unknown key 'alias' in 'a'; did you mean 'aliases'?"
    write(tmp_path, "curated-x.yaml", "- slug: a\n  label: A\n  type: Project\n")
    assert error_of(tmp_path) == (
        f"{path}:1: key 'type' of 'a' is out of order; keys go in the order {', '.join(KEYS)}"
    )


def test_ambiguous_must_name_an_alias(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "curated-x.yaml",
        "- slug: kind\n  type: Project\n  label: kind\n  aliases: [KinD]\n  ambiguous: [Kind]\n",
    )
    assert error_of(tmp_path) == (
        f"{path}:1: ambiguous alias 'Kind' of 'kind' is not its label, alias or former name; "
        "add it to `aliases` or fix the spelling"
    )


def test_new_curated_entity_needs_a_type(tmp_path: Path) -> None:
    path = write(tmp_path, "curated-x.yaml", "- slug: a\n  label: A\n")
    assert error_of(tmp_path) == f"{path}:1: entity 'a' has no type; add `type:`"


def test_bad_slug_and_not_a_list(tmp_path: Path) -> None:
    path = write(tmp_path, "curated-x.yaml", "- slug: Cloud Run\n  type: Product\n  label: Cloud Run\n")
    assert error_of(tmp_path) == (
        f"{path}:1: slug 'Cloud Run' is not lower-case ASCII (a-z 0-9 . _ ~ -); rename it"
    )
    write(tmp_path, "curated-x.yaml", "slug: a\n")
    assert error_of(tmp_path) == f"{path}:1: an entity file must be a YAML list of `- slug: ...` blocks"


def test_missing_entities_folder(tmp_path: Path) -> None:
    assert error_of(tmp_path) == (
        f"{tmp_path / 'entities'}: no entities folder; pass the ontology/ folder that holds entities/"
    )


# --------------------------------------------------------------------------- merge rule and records


def test_curated_block_overrides_generated_scalars_and_extends_lists(tmp_path: Path) -> None:
    write(
        tmp_path,
        "landscape-a.yaml",
        KNATIVE.replace(
            "  homepage:", "  aliases: [Knative Serving]\n  ambiguous: [Knative Serving]\n  homepage:"
        ),
    )
    write(
        tmp_path,
        "curated-x.yaml",
        "- slug: knative\n  label_zh: Knative 无服务器\n  aliases: [KNative]\n  ambiguous: []\n"
        "  organization: google\n  source: curated\n",
    )
    entity = load_base(tmp_path, use_cache=False).entities["knative"]
    assert entity.organization == "google"
    assert entity.source == "cncf-landscape"  # an override does not hide where the entity came from
    assert entity.aliases == (
        AliasRecord("Knative", "en", False),
        AliasRecord("Knative 无服务器", "zh", False),
        AliasRecord("Knative Serving", "en", False),  # curated `ambiguous: []` un-marks it
        AliasRecord("KNative", "en", False),
    )
    assert entity.data["file"] == "curated-x.yaml"


GENERATED_TWICE = """\
- slug: kubernetes-dashboard
  type: Project
  label: Kubernetes Dashboard
  repository: ["https://github.com/kubernetes/dashboard"]
  source: cncf-landscape

- slug: dashboard
  type: Project
  label: dashboard
  aliases: [K8s Dashboard, 仪表盘]
  ambiguous: [K8s Dashboard]
  homepage: https://dashboard.example.org/
  repository: ["https://github.com/kubernetes/dashboard", "https://github.com/kubernetes/old-dashboard"]
  source: awesome-cloud-native

- slug: dashboard-plugin
  type: Project
  label: Dashboard Plugin
  part_of: dashboard
  source: awesome-cloud-native
"""


def test_same_as_folds_a_generated_duplicate_into_the_entity_that_stays(tmp_path: Path) -> None:
    write(tmp_path, "landscape-a.yaml", GENERATED_TWICE)
    write(tmp_path, "curated-x.yaml", "- slug: dashboard\n  same_as: kubernetes-dashboard\n")
    base = load_base(tmp_path, use_cache=False)
    assert "dashboard" not in base.entities
    kept = base.entities["kubernetes-dashboard"]
    # the lists' label `dashboard` (a repository name) is not carried over; the other names are, as they were
    assert kept.aliases == (
        AliasRecord("Kubernetes Dashboard", "en", False),
        AliasRecord("K8s Dashboard", "en", True),
        AliasRecord("仪表盘", "zh", False),
    )
    assert kept.data["repositories"] == [
        "https://github.com/kubernetes/dashboard", "https://github.com/kubernetes/old-dashboard"]
    assert kept.homepage == "https://dashboard.example.org/"
    assert base.entities["dashboard-plugin"].part_of == "kubernetes-dashboard"
    assert base.by_repository("kubernetes", "old-dashboard") == "kubernetes-dashboard"
    assert base.repository_claimants("kubernetes", "dashboard") == ()


def test_same_as_needs_a_generated_entity_and_a_target_that_stays(tmp_path: Path) -> None:
    write(tmp_path, "landscape-a.yaml", GENERATED_TWICE)
    curated = write(tmp_path, "curated-x.yaml", "- slug: extra\n  same_as: kubernetes-dashboard\n"
                                                "  type: Project\n  label: Extra\n")
    assert error_of(tmp_path) == (
        f"{curated}:1: 'extra' sets same_as but is no generated entity; list its names under the aliases "
        "of 'kubernetes-dashboard' instead")
    curated.write_text("- slug: dashboard\n  same_as: kubernetes-dashbord\n", encoding="utf-8")
    assert error_of(tmp_path) == (
        f"{curated}:1: same_as 'kubernetes-dashbord' of 'dashboard' is no entity to fold into; "
        "did you mean 'kubernetes-dashboard'?")


def test_record_fields_and_data(tmp_path: Path) -> None:
    write(
        tmp_path,
        "curated-x.yaml",
        """\
- slug: kubefed
  type: Project
  label: KubeFed
  aliases_zh: [集群联邦]
  ambiguous: [Federation v2]
  context: [multi-cluster]
  former_names: [Federation v2]
  repository: ["https://github.com/kubernetes-sigs/kubefed", "https://github.com/kubernetes-sigs/federation-v2"]
  maturity: sandbox
  dates: {accepted: "2019-01-01"}
  source: curated
""",
    )
    entity = load_base(tmp_path, use_cache=False).entities["kubefed"]
    assert entity.aliases == (
        AliasRecord("KubeFed", "en", False),
        AliasRecord("集群联邦", "zh", False),
        AliasRecord("Federation v2", "en", True),
    )
    assert entity.repository == "https://github.com/kubernetes-sigs/kubefed"
    assert entity.data == {
        "file": "curated-x.yaml",
        "repositories": [
            "https://github.com/kubernetes-sigs/kubefed",
            "https://github.com/kubernetes-sigs/federation-v2",
        ],
        "context": ["multi-cluster"],
        "former_names": ["Federation v2"],
        "dates": {"accepted": "2019-01-01"},
    }


def test_dump_block_round_trips_awkward_values(tmp_path: Path) -> None:
    block = {
        "slug": "odd",
        "type": "Project",
        "label": "yes",  # would read back as a bool if written plain
        "aliases": ["a, b", "[x]", "C++", "k8s: yes", "#tag", "2019-01-01", "阿里云"],
        "homepage": "https://example.com/a#b",
        "dates": {"accepted": "2019-01-01"},
        "description": 'He said "hi": ok',
        "source": "curated",
    }
    write(tmp_path, "curated-odd.yaml", dump_blocks([block], header="header line"))
    entity = load_base(tmp_path, use_cache=False).entities["odd"]
    assert entity.label == "yes"
    assert [a.text for a in entity.aliases] == ["yes", *block["aliases"]]
    assert entity.homepage == "https://example.com/a#b"
    assert entity.description == 'He said "hi": ok'
    assert dump_block(block).splitlines()[0] == "- slug: odd"


def test_version_changes_with_content_and_cache_is_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KG_CACHE_DIR", str(tmp_path / "cache"))
    write(tmp_path, "landscape-a.yaml", KNATIVE)
    first = load_base(tmp_path)
    assert load_base(tmp_path).version == first.version
    write(tmp_path, "curated-x.yaml", "- slug: knative\n  label_zh: Knative\n")
    assert load_base(tmp_path).version != first.version


# --------------------------------------------------------------------------- the real entity base


def test_counts_and_sources(base: EntityBase) -> None:
    stats = base_stats(base)
    assert stats["entities"] >= 2500
    assert all(e.source for e in base.entities.values())
    assert set(stats["by_source"]) <= {
        "cncf-landscape",
        "cncf-landscape-2019",
        "awesome-cloud-native",
        "curated",
        "promoted",
    }
    assert set(stats["by_type"]) == {"Project", "Organization", "Product", "Specification", "Concept"}


def test_curated_facts(base: EntityBase) -> None:
    e = base.entities
    assert e["google-cloud-run"].label == "Cloud Run"
    assert e["google-cloud-run"].organization == "google"
    assert e["alibaba-cloud"].label_zh == "阿里云"
    assert AliasRecord("阿里云", "zh", False) in e["alibaba-cloud"].aliases
    assert e["kubelet"].part_of == "kubernetes"
    assert e["kube-proxy"].part_of == "kubernetes"
    assert "Federation v2" in e["kubefed"].data["former_names"]
    assert AliasRecord("Federation v2", "en", False) in e["kubefed"].aliases
    assert e["aws-fargate"].organization == "amazon-web-services"
    assert e["ant-group"].label_zh == "蚂蚁集团"
    assert AliasRecord("蚂蚁金服", "zh", False) in e["ant-group"].aliases
    assert e["cloud-native-computing-foundation"].label_zh == "云原生计算基金会"
    assert e["service-mesh"].label_zh == "服务网格"
    assert e["sig-node"].type == "Organization" and e["sig-node"].part_of == "kubernetes"
    assert "SOFAMosn" in e["mosn"].data["former_names"]
    assert e["knative"].maturity in ("incubating", "graduated")
    assert e["knative"].data["hosted_by"] == "cloud-native-computing-foundation"


@pytest.mark.parametrize(
    ("slug", "alias", "ambiguous"),
    [
        ("kind", "Kind", True),
        ("flux", "Flux", True),
        ("docker", "Docker", False),  # the engine wins "Docker" by default
        ("docker-org", "Docker", True),  # the company needs context
        ("serverless-computing", "Serverless", False),
        ("serverless", "Serverless", True),  # the Serverless Framework needs context
        ("canal", "Canal", True),
        ("alibaba-canal", "Canal", True),
        ("istio", "Istio", False),
        ("linkerd", "Linkerd", False),
        ("go", "Go", True),
        ("go", "Golang", False),
        ("emissary-ingress", "Ambassador", True),
        ("nvidia-mig", "MIG", True),
    ],
)
def test_ambiguity_marks(base: EntityBase, slug: str, alias: str, ambiguous: bool) -> None:
    flags = {a.text: a.ambiguous for a in base.entities[slug].aliases}
    assert flags[alias] is ambiguous


def test_ambiguous_aliases_have_context_or_links(base: EntityBase) -> None:
    curated_ambiguous = [
        e for e in base.entities.values() if e.source == "curated" and any(a.ambiguous for a in e.aliases)
    ]
    missing = [
        e.slug for e in curated_ambiguous if not e.data.get("context") and not e.homepage and not e.repository
    ]
    assert missing == []


@pytest.mark.parametrize(
    ("owner", "repo", "slug"),
    [
        ("istio", "istio", "istio"),
        ("Istio", None, "istio"),
        ("kubernetes", "some-unknown-repo", "kubernetes"),
        ("kubernetes-sigs", "kind", "kind"),
        ("sofastack", "sofa-jraft", "sofajraft"),
        ("sofastack", None, "sofastack"),
        ("google", "gvisor", "gvisor"),
        ("google", None, "google"),
        ("nobody-owns-this", "x", None),
    ],
)
def test_by_repository(base: EntityBase, owner: str, repo: str | None, slug: str | None) -> None:
    assert base.by_repository(owner, repo) == slug


@pytest.mark.parametrize(
    ("host", "path", "slug"),
    [
        ("www.envoyproxy.io", "/docs/envoy/latest/", "envoy"),
        ("cloud.google.com", "/run/docs/quickstarts", "google-cloud-run"),
        ("cloud.google.com", "/blog/products/containers", "google-cloud"),
        ("aws.amazon.com", "/fargate/", "aws-fargate"),
        ("aws.amazon.com", "/blogs/containers/x", "amazon-web-services"),
        ("kubernetes.io", "/docs/concepts/", "kubernetes"),
        ("www.alibabacloud.com", "/zh/product/kubernetes", "alibaba-cloud-container-service-for-kubernetes"),
        ("github.io", "", None),
        ("medium.com", "/@someone/post", None),
    ],
)
def test_by_host(base: EntityBase, host: str, path: str, slug: str | None) -> None:
    assert base.by_host(host, path) == slug


def test_organizations_are_organizations(base: EntityBase) -> None:
    orgs = base.organizations
    assert "google" in orgs and "knative" not in orgs
    assert {e.type for e in orgs.values()} == {"Organization"}


def test_second_load_comes_from_the_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Speed lives in benchmarks/bench_ontology.py; here: the second load parses no YAML at all.
    import kg.ontology.base as base_module

    monkeypatch.setenv("KG_CACHE_DIR", str(tmp_path))
    first = load_base()
    assert list(tmp_path.glob("cnkg/entities-*.pickle"))

    def no_parsing(*_args: object) -> EntityBase:
        raise AssertionError("the cached base was parsed again")

    monkeypatch.setattr(base_module, "build_base", no_parsing)
    again = load_base()
    assert len(again) == len(first) >= 2500 and again.version == first.version


def test_curation_checker_reports_collisions_urls_and_words(tmp_path: Path) -> None:
    import subprocess
    import sys

    new = tmp_path / "new.yaml"
    new.write_text(
        "- slug: another-knative\n  type: Project\n  label: Knative\n  homepage: https://knative.dev/\n"
        "  source: curated\n\n- slug: banana-tool\n  type: Project\n  label: Banana\n  source: curated\n",
        encoding="utf-8",
    )
    script = Path(__file__).resolve().parents[1] / "scripts" / "check_curation.py"
    done = subprocess.run([sys.executable, str(script), str(new), "--no-gold"], capture_output=True,
                          text=True)
    assert done.returncode == 0, done.stderr
    assert "URL another-knative: https://knative.dev/ is already claimed by 'knative'" in done.stdout
    assert "NAME another-knative: 'Knative' is already a name of ['knative']" in done.stdout
    assert "WORD banana-tool: 'Banana'" in done.stdout
    assert "2 new entities, 3 problems" in done.stdout
    missing = subprocess.run([sys.executable, str(script), str(tmp_path / "nope.yaml")], capture_output=True,
                             text=True)
    assert missing.returncode == 2 and "no such file" in missing.stderr
