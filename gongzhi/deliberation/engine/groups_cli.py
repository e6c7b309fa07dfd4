"""``gongzhi deliberation groups DIR [--json]``: opinion groups of a Pol.is open-data export.

All behaviour lives here (no Django) so that it is tested directly; the management command is a
thin wrapper.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING

from gongzhi.deliberation.engine.matrix import VoteMatrix
from gongzhi.deliberation.engine.opinion import adjusted_rand_index, compute
from gongzhi.deliberation.engine.params import Params
from gongzhi.deliberation.engine.polis_csv import Conversation, read_conversation
from gongzhi.deliberation.engine.replay import in_conversation_history, replay

if TYPE_CHECKING:  # Django's OutputWrapper or a file: anything with write(str)
    from _typeshed import SupportsWrite


def add_groups_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("directory", help="folder with comments.csv and votes.csv "
                        "or participants-votes.csv")
    parser.add_argument("--json", action="store_true", dest="as_json",
                        help="print the result as JSON")
    parser.add_argument("--replay", action="store_true",
                        help="replay the vote history as Pol.is' poller delivered it (one update "
                        "per second of votes; slower) instead of one update on the final votes")


def groups_of(conversation: Conversation, params: Params | None = None, *,
              live_replay: bool = False) -> dict:
    """The result the command prints, as a dict.

    By default one update on the final votes (the in-conversation set replayed from the
    timestamps); with ``live_replay`` the whole history, one update per poll (``replay``).
    """
    c = conversation
    params = params or Params()
    if live_replay:
        result = replay(c.participant, c.statement, c.vote, c.time,
                        moderated_out=c.moderated_out, meta=c.meta, params=params)
    else:
        matrix = VoteMatrix.from_votes(c.participant, c.statement, c.vote, c.time)
        in_conv = in_conversation_history(c.participant, c.statement, c.time, params)
        result = compute(matrix, moderated_out=c.moderated_out, meta=c.meta,
                         state={"in_conv": [int(p) for p in in_conv]}, params=params)
    out = result.summary()
    if c.exported_groups:
        ours = result.groups_by_participant()
        pids = sorted(c.exported_groups)
        out["polis_comparison"] = {
            "participants_grouped_by_polis": len(pids),
            "participants_grouped_here": len(ours),
            "polis_k": len(set(c.exported_groups.values())),
            "adjusted_rand_index": round(
                adjusted_rand_index([ours.get(p, -1) for p in pids],
                                    [c.exported_groups[p] for p in pids]), 4),
        }
    out["defects"] = [str(d) for d in c.defects]
    return out


def groups(directory: str, *, as_json: bool, out: SupportsWrite[str] = sys.stdout,
           err: SupportsWrite[str] = sys.stderr, live_replay: bool = False) -> int:
    try:
        conversation = read_conversation(directory)
    except (FileNotFoundError, OSError) as exc:
        err.write(f"error: {exc}\n")
        return 2
    for defect in conversation.defects:
        err.write(f"defect: {defect}\n")
    if len(conversation.vote) == 0:
        err.write("error: no usable votes\n")
        return 1
    result = groups_of(conversation, live_replay=live_replay)
    if as_json:
        out.write(json.dumps(result, ensure_ascii=False, indent=1) + "\n")
        return 0
    sizes: dict[int, int] = {}
    for g in result["participants"].values():
        sizes[g] = sizes.get(g, 0) + 1
    out.write(f"participants grouped: {len(result['participants'])}  groups (k): {result['k']}\n")
    for g in sorted(sizes):
        reps = ", ".join(str(t) for t in result["repness"].get(str(g), []))
        out.write(f"  group {g}: {sizes[g]} participants; representative statements: {reps}\n")
    out.write("consensus (agree): " + ", ".join(map(str, result["consensus"])) + "\n")
    out.write("group-informed consensus: "
              + ", ".join(map(str, result["group_informed_consensus"])) + "\n")
    if "polis_comparison" in result:
        cmp = result["polis_comparison"]
        out.write(f"against Pol.is' own group-id: ARI {cmp['adjusted_rand_index']:.3f} "
                  f"(Pol.is k {cmp['polis_k']}, {cmp['participants_grouped_by_polis']} grouped)\n")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="deliberation-groups")
    add_groups_arguments(parser)
    args = parser.parse_args(argv)
    return groups(args.directory, as_json=args.as_json, live_replay=args.replay)


if __name__ == "__main__":
    raise SystemExit(main())
