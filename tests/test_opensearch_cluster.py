"""A real 2-node OpenSearch cluster: an index of 2 shards and 1 replica survives losing a node.

Indexed through one node, searched through the other, with the same answers
as the local index; then one node is killed and searches still answer,
while an index without replicas turns red and says so.
"""

from __future__ import annotations

import time

import pytest

from indexer.errors import IndexStateError
from tests.conftest import A000, A003, SEEDS, opensearch_backend, opensearch_required
from tests.opensearch_node import get_json, java, start_cluster

pytestmark = pytest.mark.opensearch

QUERIES = ["俄罗斯", '"苏联解体"', "Putin", "title:拜登", "俄羅斯 -普京", "source:state.gov"]


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    if java() is None:
        reason = "the 2-node OpenSearch cluster needs Java 17: install a JDK"
        if opensearch_required():
            pytest.fail(reason)
        pytest.skip(reason)
    with start_cluster(tmp_path_factory.mktemp("cluster"), 2) as c:
        yield c


def totals(backend) -> dict[str, tuple[int, set]]:
    out = {}
    for q in QUERIES:
        r = backend.search(q, limit=100)
        assert r.error is None, r.error
        out[q] = (r.total, {(h.article, h.passage) for h in r.hits})
    return out


def test_two_nodes_two_shards_one_replica_survive_losing_a_node(cluster, searcher, request):
    manager = get_json(f"{cluster.urls[0]}/_cat/cluster_manager?format=json")[0]["node"]
    doomed = next(n for n in cluster.nodes if n.name != manager)  # the cluster keeps its manager
    survivor = next(n for n in cluster.nodes if n.name == manager)
    writer = opensearch_backend([doomed.url], request, shards=2, replicas=1)
    assert sorted(writer.index([SEEDS]).added) == [A000, A003]  # indexed through the node that dies
    unreplicated = opensearch_backend([doomed.url], request, shards=2, replicas=0)
    unreplicated.index([SEEDS])
    shards = get_json(f"{survivor.url}/_cat/shards/{writer.loc.prefix}-passages?format=json")
    assert sorted((s["shard"], s["prirep"], s["state"]) for s in shards) == [
        ("0", "p", "STARTED"), ("0", "r", "STARTED"), ("1", "p", "STARTED"), ("1", "r", "STARTED")]
    assert {s["node"] for s in shards} == {doomed.name, survivor.name}

    prefix = writer.loc.prefix
    reader = opensearch_backend([survivor.url], request, prefix=prefix)  # searched through the other node
    expected = totals(searcher)
    assert totals(reader) == expected
    both = opensearch_backend([doomed.url, survivor.url], request, prefix=prefix)
    assert totals(both) == expected

    doomed.kill()
    assert totals(reader) == expected  # the replicas on the survivor answer
    assert totals(both) == expected  # the client moves on to the node that is left
    assert reader.article(A000).title.zh and reader.concordance("苏联解体").total == 12

    red = opensearch_backend([survivor.url], request, prefix=unreplicated.loc.prefix)
    deadline = time.monotonic() + 60
    while get_json(f"{survivor.url}/_cluster/health/{red.loc.prefix}-passages")["status"] != "red":
        assert time.monotonic() < deadline, "the index without replicas did not turn red"
        time.sleep(0.5)
    with pytest.raises(IndexStateError, match="the cluster is red"):
        red.search("俄羅斯")
