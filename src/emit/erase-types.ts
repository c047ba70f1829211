type TypeScript = typeof import('ts-morph').ts;
type Node = import('ts-morph').ts.Node;
type TypeNode = import('ts-morph').ts.TypeNode;
type ArrayLiteralExpression = import('ts-morph').ts.ArrayLiteralExpression;
type ObjectLiteralExpression = import('ts-morph').ts.ObjectLiteralExpression;
type PropertyAssignment = import('ts-morph').ts.PropertyAssignment;
type SyntaxKind = import('ts-morph').ts.SyntaxKind;
type SignatureDeclaration = import('ts-morph').ts.SignatureDeclaration;

/** Why a text was not erased: it does not parse, or it uses syntax this eraser leaves to the compiler. */
export type EraseRefusal = 'syntax' | 'unsupported';

/** A range of the text to blank; a whole statement (or class member) becomes an empty statement. */
interface Blank {
  readonly start: number;
  readonly end: number;
  readonly statement: boolean;
}

/** Characters that end an expression whatever precedes them, so blanking before one cannot join two statements. */
const CLOSES = new Set([';', ',', ')', ']', '}', '=', '{', ':', '.']);

/** Thrown inside the walk for syntax the eraser does not handle; caught by eraseTypes. */
class Unsupported extends Error {}

/**
 * The JavaScript of a TypeScript text that uses only erasable syntax, made by blanking the type
 * syntax with spaces (as `ts-blank-space` and Node's type stripping do) instead of compiling it:
 * parsing alone is several times cheaper than `transpileModule`, which also transforms and
 * reprints every node. Line breaks are kept, so the code means what it meant. Anything else
 * (enums, namespaces, decorators, parameter properties, imports whose elision would change
 * the module, a blank that could let two statements run together) is refused, and the caller
 * then uses the compiler. `ends` are offsets where a statement of the text ends and the code
 * after it may be other code (statements erased together and used apart): no blank may rely on
 * what follows them. Blanks keep every offset, so the JavaScript of a statement is at its offsets.
 *
 * Why not the `ts-blank-space` package itself: it depends on the `typescript` package (5.1–6.0)
 * and reads SyntaxKind numbers from it, while policyc's compiler is the copy bundled in ts-morph;
 * using it means installing and loading a second compiler (several MB of JavaScript, more start-up
 * than this saves) or trusting two copies' SyntaxKind numbers to agree. Node's
 * `module.stripTypeScriptTypes` is not in Node 20. test/load-generated.test.ts compares this
 * eraser's output with `transpileModule`'s, token for token, on the shipped modules.
 */
export function eraseTypes(ts: TypeScript, text: string, ends: ReadonlySet<number> = new Set()): string | EraseRefusal {
  const file = ts.createSourceFile('module.ts', text, ts.ScriptTarget.ES2022, false, ts.ScriptKind.TS);
  if ((file as unknown as { parseDiagnostics: readonly unknown[] }).parseDiagnostics.length > 0) return 'syntax';
  const blanks: Blank[] = [];
  const S = ts.SyntaxKind;

  const blank = (start: number, end: number, checkAfter = true) => {
    if (checkAfter) {
      let j = end;
      while (j < text.length && !ends.has(j) && /\s/.test(text[j]!)) j++;
      // What follows the end of the text, or of one of its statements, is unknown: refuse.
      if (j === text.length || ends.has(j) || (text.slice(start, j).includes('\n') && !CLOSES.has(text[j]!)))
        throw new Unsupported();
    }
    blanks.push({ start, end, statement: false });
  };
  const blankNode = (node: Node) => blanks.push({ start: node.getStart(file), end: node.end, statement: true });
  /** `<…>` of type arguments or parameters: the node array starts after `<` and ends at `>`. */
  const blankAngles = (list: { pos: number; end: number } | undefined) => {
    if (!list) return;
    if (text[list.pos - 1] !== '<' || text[list.end] !== '>') throw new Unsupported();
    blank(list.pos - 1, list.end + 1, false);
  };
  /** `: Type` of a declaration: from the end of what precedes the colon to the end of the type. */
  const blankAnnotation = (after: number, type: Node | undefined) => {
    if (type) blank(after, type.end);
  };
  const blankModifiers = (node: Node) => {
    // The node's own list, decorators included (getModifiers leaves them out).
    for (const m of (node as { modifiers?: readonly Node[] }).modifiers ?? []) {
      switch (m.kind) {
        case S.ExportKeyword:
        case S.DefaultKeyword:
        case S.AsyncKeyword:
        case S.StaticKeyword:
        case S.ConstKeyword:
          break;
        case S.PublicKeyword:
        case S.PrivateKeyword:
        case S.ProtectedKeyword:
        case S.ReadonlyKeyword:
        case S.OverrideKeyword:
          if (!ts.isClassElement(node)) throw new Unsupported();
          blank(m.getStart(file), m.end, false);
          break;
        default:
          throw new Unsupported();
      }
    }
  };
  const hasModifier = (node: Node, kind: SyntaxKind) =>
    ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((m) => m.kind === kind);
  /** Type parameters, parameter types, `?` of optional parameters and the return type of a function. */
  const blankSignature = (node: SignatureDeclaration) => {
    blankAngles(node.typeParameters);
    for (const p of node.parameters) {
      if (ts.isIdentifier(p.name) && p.name.text === 'this') throw new Unsupported();
      if (ts.canHaveModifiers(p) && (ts.getModifiers(p) ?? []).length > 0) throw new Unsupported();
      if (p.questionToken) blank(p.questionToken.getStart(file), p.questionToken.end, false);
      blankAnnotation((p.questionToken ?? p.name).end, p.type);
    }
    if (node.type) {
      // The parameter list ends at its last parameter (or a trailing comma); `)` follows, maybe after a line break.
      let close = node.parameters.end;
      while (close < text.length && /\s/.test(text[close]!)) close++;
      if (text[close] !== ')') throw new Unsupported();
      if (ts.isArrowFunction(node) && text.slice(close + 1, node.type.end).includes('\n')) throw new Unsupported();
      blank(close + 1, node.type.end, false);
    }
  };

  const visit = (node: Node): void => {
    // Data (most of a generated module): literals and names hold no types; object and array literals only hold data.
    switch (node.kind) {
      case S.StringLiteral:
      case S.NumericLiteral:
      case S.Identifier:
      case S.TrueKeyword:
      case S.FalseKeyword:
      case S.NullKeyword:
      case S.NoSubstitutionTemplateLiteral:
        return;
      case S.ArrayLiteralExpression:
        for (const e of (node as ArrayLiteralExpression).elements) visit(e);
        return;
      case S.ObjectLiteralExpression:
        for (const p of (node as ObjectLiteralExpression).properties) visit(p);
        return;
      case S.PropertyAssignment:
        if ((node as PropertyAssignment).name.kind === S.ComputedPropertyName) visit((node as PropertyAssignment).name);
        visit((node as PropertyAssignment).initializer);
        return;
    }
    // Whole declarations that are only types, or only declared: they leave an empty statement.
    if (
      ts.isInterfaceDeclaration(node) ||
      ts.isTypeAliasDeclaration(node) ||
      (ts.isFunctionDeclaration(node) && !node.body) ||
      (ts.isVariableStatement(node) && hasModifier(node, S.DeclareKeyword)) ||
      (ts.isClassDeclaration(node) && hasModifier(node, S.DeclareKeyword))
    ) {
      blankNode(node);
      return;
    }
    if ((ts.isMethodDeclaration(node) || ts.isConstructorDeclaration(node)) && !node.body) {
      if (hasModifier(node, S.AbstractKeyword) || (ts.isMethodDeclaration(node) && node.questionToken))
        throw new Unsupported();
      blankNode(node);
      return;
    }
    if (ts.isPropertyDeclaration(node) && hasModifier(node, S.DeclareKeyword)) {
      blankNode(node);
      return;
    }
    if (
      ts.isEnumDeclaration(node) ||
      ts.isModuleDeclaration(node) ||
      ts.isImportEqualsDeclaration(node) ||
      ts.isImportDeclaration(node) ||
      ts.isExportDeclaration(node) ||
      (ts.isExportAssignment(node) && node.isExportEquals) ||
      ts.isDecorator(node) ||
      ts.isTypeAssertionExpression(node) ||
      ts.isIndexSignatureDeclaration(node) ||
      ts.isTypeParameterDeclaration(node) ||
      // Types where the walk does not expect them, and instantiation expressions (`f<T>`).
      ts.isTypeNode(node) ||
      // `using` declarations, which the compiler lowers for ES2022.
      (ts.isVariableDeclarationList(node) &&
        (node.flags & ts.NodeFlags.BlockScoped & ~ts.NodeFlags.Const) === ts.NodeFlags.Using)
    )
      throw new Unsupported();

    if ((node as { modifiers?: unknown }).modifiers) blankModifiers(node);
    if (ts.isAsExpression(node) || ts.isSatisfiesExpression(node) || ts.isNonNullExpression(node)) {
      blank(node.expression.end, node.end);
      visit(node.expression);
      return;
    }
    if (ts.isVariableDeclaration(node)) {
      if (node.exclamationToken) blank(node.exclamationToken.getStart(file), node.exclamationToken.end, false);
      blankAnnotation((node.exclamationToken ?? node.name).end, node.type);
      visit(node.name);
      if (node.initializer) visit(node.initializer);
      return;
    }
    if (ts.isPropertyDeclaration(node)) {
      const token = node.questionToken ?? node.exclamationToken;
      if (token) blank(token.getStart(file), token.end, false);
      blankAnnotation((token ?? node.name).end, node.type);
      visit(node.name);
      if (node.initializer) visit(node.initializer);
      return;
    }
    if (ts.isFunctionLike(node) && 'body' in node) {
      if (ts.isMethodDeclaration(node) && node.questionToken) throw new Unsupported();
      blankSignature(node);
      if (node.name) visit(node.name);
      for (const p of node.parameters) {
        visit(p.name);
        if (p.initializer) visit(p.initializer);
      }
      if (node.body) visit(node.body as Node);
      return;
    }
    if (ts.isClassLike(node)) {
      blankAngles(node.typeParameters);
      for (const clause of node.heritageClauses ?? []) {
        if (clause.token === S.ImplementsKeyword) blank(clause.getStart(file), clause.end, false);
        else
          for (const t of clause.types) {
            blankAngles(t.typeArguments);
            visit(t.expression);
          }
      }
      if (node.name) visit(node.name);
      for (const member of node.members) visit(member);
      return;
    }
    const typeArguments =
      ts.isCallExpression(node) || ts.isNewExpression(node) || ts.isTaggedTemplateExpression(node)
        ? node.typeArguments
        : undefined;
    blankAngles(typeArguments);
    node.forEachChild((child) => {
      // Type arguments were blanked above; any other type here is syntax this eraser does not know.
      if (ts.isTypeNode(child) && typeArguments?.includes(child as TypeNode)) return;
      visit(child);
    });
  };

  try {
    for (const statement of file.statements) visit(statement);
  } catch (error) {
    if (error instanceof Unsupported) return 'unsupported';
    throw error;
  }
  if (blanks.length === 0) return text;
  blanks.sort((a, b) => a.start - b.start);
  let out = '';
  let at = 0;
  for (const b of blanks) {
    if (b.start < at) return 'unsupported'; // overlapping blanks: a case the walk above did not expect
    out += text.slice(at, b.start);
    const gone = text.slice(b.start, b.end).replace(/[^\n]/g, ' ');
    out += b.statement ? `;${gone.slice(1)}` : gone;
    at = b.end;
  }
  return out + text.slice(at);
}
