"""The scope of an action at a bare cursor: the enclosing function, method or class."""

from __future__ import annotations

import pytest

from agent_ls.personas.scope import enclosing_scope

PYTHON = '''\
import json


class Orders:
    """Orders."""

    @staticmethod
    def create(db, payload,
               strict=False):
        data = json.loads(payload)

        if strict:
            def check(x):
                return x
        return db.insert(data)

    def cancel(self, order_id):
        return order_id


TOTAL = 1
'''

TYPESCRIPT = """\
import { Gateway } from "./gateway";

export class Billing {
  constructor(private gateway: Gateway) {}

  async charge(order: Order): Promise<Receipt> {
    const amount = order.total; // "}" in a comment
    if (amount <= 0) {
      throw new Error("empty order }");
    }
    return this.gateway.charge(amount);
  }
}

export const refund = async (id: string) => {
  return id;
};

function helper(x: number): number {
  return x * 2;
}
"""

GO = """\
package billing

type Service struct {
	gateway Gateway
}

func (s *Service) Charge(order Order) (Receipt, error) {
	if order.Total <= 0 {
		return Receipt{}, errors.New("empty")
	}
	return s.gateway.Charge(order.Total)
}

func helper(x int) int {
	return x * 2
}
"""


def line_offset(text: str, needle: str) -> int:
    return text.index(needle)


@pytest.mark.parametrize(
    ("language", "text", "cursor", "described", "first"),
    [
        ("python", PYTHON, "data = json", "function create (lines 7-15)", "    @staticmethod\n"),
        ("python", PYTHON, "return x", "function check (lines 13-14)", "            def check"),
        (
            "python",
            PYTHON,
            "               strict=False",
            "function create (lines 7-15)",
            "    @st",
        ),
        ("python", PYTHON, "return order_id", "function cancel (lines 17-18)", "    def cancel"),
        ("python", PYTHON, '"""Orders."""', "class Orders (lines 4-18)", "class Orders:\n"),
        ("typescript", TYPESCRIPT, "throw new", "method charge (lines 6-12)", "  async charge("),
        ("typescript", TYPESCRIPT, "constructor(", "class Billing (lines 3-13)", "export class"),
        ("typescript", TYPESCRIPT, "return id", "function refund (lines 15-17)", "export const"),
        ("typescript", TYPESCRIPT, "x * 2", "function helper (lines 19-21)", "function helper"),
        ("go", GO, "errors.New", "method Charge (lines 7-12)", "func (s *Service)"),
        ("go", GO, "gateway Gateway", "struct Service (lines 3-5)", "type Service struct"),
        ("go", GO, "x * 2", "function helper (lines 14-16)", "func helper"),
    ],
)
def test_the_enclosing_scope_is_taken_and_named(
    language: str, text: str, cursor: str, described: str, first: str
) -> None:
    scope = enclosing_scope(text, line_offset(text, cursor), language)
    assert scope is not None and scope.describe() == described
    taken = text[scope.start : scope.end]
    assert taken.startswith(first) and taken.endswith("\n")
    lines = text.split("\n")
    assert taken == "\n".join(lines[scope.first_line - 1 : scope.last_line]) + "\n"


@pytest.mark.parametrize(
    ("language", "text", "cursor"),
    [("python", PYTHON, "TOTAL = 1"), ("python", PYTHON, "import json"), ("go", GO, "package")],
)
def test_the_top_level_has_no_scope(language: str, text: str, cursor: str) -> None:
    assert enclosing_scope(text, line_offset(text, cursor), language) is None
