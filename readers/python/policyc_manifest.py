"""A reader of policyc's generated/<set>/manifest.json (formatVersion 1), standard library only.

The reference reader for services not written in TypeScript: it answers the same questions as
the generated module, from the manifest alone (layout: schemas/manifest-v1.schema.json, and
the manifest's own `tables.layout`). It fails closed: an unknown role, permission, scope or
collection id is denied, never an error.

    from policyc_manifest import Manifest
    crm = Manifest.load("generated/crm/manifest.json")
    crm.can(["team-lead"], "records:update", scope="group")          # True
    crm.can(["team-lead"], "users:deactivate", scope="group", on_self=True)  # False: self-restricted

Roles an application defines at run time (`defineRole` in the generated module) are answered by
that module; a service in another language can check stored definitions before it sends them
with the set's JSON Schema, `Manifest.role_schema()` (role.schema.json, checked against the
hash the manifest records).

Run as a program, it checks a manifest against test vectors (`policyc vectors`):

    python3 policyc_manifest.py generated/crm/manifest.json crm.vectors.json
"""

import base64
import hashlib
import json
import os
import struct
import sys

SUPPORTED_FORMAT = 1


def _words(text, count):
    """Decodes base64 of little-endian uint32 words; missing words read as 0."""
    raw = base64.b64decode(text)
    raw = raw[: count * 4].ljust(count * 4, b"\0")
    return struct.unpack("<%dI" % count, raw)


def _bit(words, start, bit):
    return (words[start + (bit >> 5)] >> (bit & 31)) & 1 == 1


class _Collection:
    def __init__(self, meta, table, rows):
        self.words = table["words"]
        self.index = {e["path"]: e["no"] for e in meta["entries"]}
        data = _words(table["data"], 2 * rows * self.words + (rows + 31) // 32)
        self.allowed = data[: rows * self.words]
        self.under = data[rows * self.words : 2 * rows * self.words]
        self.top = data[2 * rows * self.words :]

    def allows(self, row, entry):
        no = self.index.get(entry)
        if no is not None:
            return _bit(self.allowed, row * self.words, no)
        # An unknown entry follows its nearest known ancestor, or the top-level rule.
        parts = entry.split("/")
        for cut in range(len(parts) - 1, 0, -1):
            ancestor = self.index.get("/".join(parts[:cut]))
            if ancestor is not None:
                return _bit(self.under, row * self.words, ancestor)
        return _bit(self.top, 0, row)


class Manifest:
    """One compiled policy set, as described by its manifest."""

    def __init__(self, data):
        if data.get("formatVersion") != SUPPORTED_FORMAT:
            raise ValueError("unsupported manifest formatVersion %r" % data.get("formatVersion"))
        self.name = data["set"]["name"]
        self.version = data["set"]["version"]
        tables = data["tables"]
        self._words = tables["words"]
        self._rows = tables["rows"]
        self._planes = tables["planes"]
        self._widest = tables["widestPlane"]
        self._access = _words(tables["access"], self._planes * self._rows * self._words)
        self._self_restricted = _words(tables["selfRestricted"], self._words)
        aliases = data["aliases"]
        self._roles = {r["id"]: r["no"] for r in data["roles"]}
        self._roles.update({old: self._roles[new] for old, new in aliases["roles"].items()})
        self._permissions = {p["id"]: p["no"] for p in data["permissions"]}
        self._permissions.update({old: self._permissions[new] for old, new in aliases["permissions"].items()})
        self._scopes = {s["id"]: s["no"] for s in data["scopes"]}
        self._collections = {
            c["id"]: _Collection(c, tables["collections"][c["id"]], self._rows) for c in data["collections"]
        }
        self._custom_roles = data.get("customRoles")
        self._dir = None

    @classmethod
    def load(cls, path):
        with open(path, encoding="utf-8") as f:
            manifest = cls(json.load(f))
        manifest._dir = os.path.dirname(os.path.abspath(path))
        return manifest

    def role_schema(self):
        """The JSON Schema of the set's run-time role definitions (role.schema.json beside a loaded
        manifest). Raises ValueError when the file is not the one this manifest's build wrote."""
        custom = self._custom_roles
        name = custom.get("schema") if isinstance(custom, dict) else None
        if self._dir is None or not isinstance(name, str) or os.path.basename(name) != name:
            raise ValueError("this manifest names no role schema beside it")
        with open(os.path.join(self._dir, name), "rb") as f:
            raw = f.read()
        if "sha256:" + hashlib.sha256(raw).hexdigest() != custom.get("schemaHash"):
            raise ValueError("%s is not the schema of this build of %s: run `policyc build`" % (name, self.name))
        return json.loads(raw.decode("utf-8"))

    def _row(self, role):
        no = self._roles.get(role) if isinstance(role, str) else None
        return no if no is not None and 0 <= no < self._rows else None

    def can(self, roles, permission, scope=None, on_self=False):
        """Whether a subject holding `roles` (ids) may perform `permission` at `scope` (default: the
        widest); with `on_self`, acting on itself, which self-restricted permissions never allow."""
        p = self._permissions.get(permission) if isinstance(permission, str) else None
        plane = self._widest if scope is None else (self._scopes.get(scope) if isinstance(scope, str) else None)
        if p is None or plane is None or not 0 <= p < 32 * self._words or not 0 <= plane < self._planes:
            return False
        if on_self and _bit(self._self_restricted, 0, p):
            return False
        rows = [r for r in map(self._row, roles) if r is not None]
        return any(_bit(self._access, (plane * self._rows + r) * self._words, p) for r in rows)

    def can_use(self, roles, collection, entry):
        """Whether a subject holding `roles` may use `entry` (known or not) of `collection`."""
        c = self._collections.get(collection) if isinstance(collection, str) else None
        if c is None or not isinstance(entry, str):
            return False
        return any(c.allows(r, entry) for r in map(self._row, roles) if r is not None)

    def answer(self, vector):
        """The answer to one test vector (see schemas/vectors-v1.schema.json)."""
        if "collection" in vector:
            return self.can_use(vector["roles"], vector["collection"], vector["entry"])
        return self.can(vector["roles"], vector["permission"], vector.get("scope"), vector.get("self", False))


def main(argv):
    if len(argv) != 3:
        sys.stderr.write("usage: python3 policyc_manifest.py MANIFEST.json VECTORS.json\n")
        return 2
    manifest = Manifest.load(argv[1])
    with open(argv[2], encoding="utf-8") as f:
        vectors = json.load(f)["vectors"]
    failed = [v for v in vectors if manifest.answer(v) != v["allowed"]]
    for v in failed[:20]:
        sys.stdout.write("disagrees: %s\n" % json.dumps(v))
    sys.stdout.write("%s %s: %d passed, %d failed\n" % (manifest.name, manifest.version, len(vectors) - len(failed), len(failed)))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
