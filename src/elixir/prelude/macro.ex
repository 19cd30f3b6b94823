# Macro: working with quoted code (what `quote` answers). Macro.escape/1 and
# Macro.expand_once/2 are native; the rest is here. Written for this project from the
# documented behaviour.

defmodule Macro.Env do
  @moduledoc "Where code is: __ENV__ (its module, file and line), as Macro.expand/2 takes it."
  defstruct module: nil, file: "iex", line: 1, function: nil, context: nil, aliases: [],
            requires: [], functions: [], macros: []

  def __env__(module), do: %Macro.Env{module: module}
end

defmodule Macro do
  @moduledoc "Quoted code: Macro.to_string(quote do: 1 + 2), Macro.escape(%{a: 1}), Macro.expand_once(quoted, __ENV__), Macro.var(:x, nil)."

  def var(name, context) when is_atom(name) and is_atom(context), do: {name, [], context}

  # expands the macro call at the top of `ast` until it is not one
  def expand(ast, env) do
    case expand_once(ast, env) do
      ^ast -> ast
      other -> expand(other, env)
    end
  end

  def to_string(ast), do: text(ast)

  def to_string(ast, fun) when is_function(fun, 2), do: fun.(ast, text(ast))

  defp text({name, _, context}) when is_atom(name) and is_atom(context), do: Atom.to_string(name)

  defp text({:__aliases__, _, parts}), do: Enum.map_join(parts, ".", &Atom.to_string/1)
  defp text({:__block__, _, exprs}), do: Enum.map_join(exprs, "\n", &text/1)
  defp text({:fn, _, clauses}), do: "fn " <> Enum.map_join(clauses, "; ", &text/1) <> " end"
  defp text({:->, _, [args, body]}), do: Enum.map_join(args, ", ", &text/1) <> " -> " <> text(body)
  defp text({:{}, _, items}), do: "{" <> Enum.map_join(items, ", ", &text/1) <> "}"
  defp text({:%{}, _, pairs}), do: "%{" <> pairs_text(pairs) <> "}"
  defp text({:&, _, [n]}) when is_integer(n), do: "&#{n}"
  defp text({:&, _, [x]}), do: "&" <> text(x)

  defp text({{:., _, [target, name]}, meta, []}) when is_atom(name) do
    if Keyword.get(meta, :no_parens, false),
      do: target_text(target) <> "." <> Atom.to_string(name),
      else: target_text(target) <> "." <> Atom.to_string(name) <> "()"
  end

  defp text({{:., _, [target, name]}, _, args}) when is_atom(name),
    do: target_text(target) <> "." <> Atom.to_string(name) <> "(" <> args_text(args) <> ")"

  defp text({{:., _, [fun]}, _, args}), do: text(fun) <> ".(" <> args_text(args) <> ")"

  defp text({op, _, [left, right]}) when is_atom(op) do
    case precedence(op) do
      nil -> call_text(op, [left, right])
      p -> operand(left, p) <> " " <> Atom.to_string(op) <> " " <> operand(right, p)
    end
  end

  defp text({op, _, [x]}) when op in [:-, :+, :!, :^], do: Atom.to_string(op) <> operand(x, 200)
  defp text({:not, _, [x]}), do: "not " <> operand(x, 200)
  defp text({name, _, args}) when is_atom(name) and is_list(args), do: call_text(name, args)
  defp text({a, b}), do: "{" <> text(a) <> ", " <> text(b) <> "}"

  defp text([{:->, _, _} | _] = clauses), do: Enum.map_join(clauses, "\n", &text/1)

  defp text(list) when is_list(list) do
    if list != [] and Keyword.keyword?(list),
      do: "[" <> pairs_text(list) <> "]",
      else: "[" <> Enum.map_join(list, ", ", &text/1) <> "]"
  end

  defp text(other), do: inspect(other)

  defp target_text(atom) when is_atom(atom), do: inspect(atom)
  defp target_text(target), do: text(target)

  # `if a do … else … end`: a last argument of do/else keywords is a block
  defp call_text(name, args) do
    {args, blocks} =
      case List.last(args) do
        [{:do, _} | _] = kw -> {Enum.drop(args, -1), kw}
        _ -> {args, nil}
      end

    head = Atom.to_string(name)

    case blocks do
      nil ->
        head <> "(" <> args_text(args) <> ")"

      kw ->
        lead = if args == [], do: head, else: head <> " " <> args_text(args)

        sections =
          Enum.map_join(kw, "", fn {key, body} ->
            opening = if key == :do, do: " do\n", else: "#{key}\n"
            opening <> indent(text(body)) <> "\n"
          end)

        lead <> sections <> "end"
    end
  end

  defp indent(text), do: text |> String.split("\n") |> Enum.map_join("\n", &("  " <> &1))

  defp args_text(args) do
    case List.last(args) do
      [{key, _} | _] = kw when is_atom(key) ->
        if Keyword.keyword?(kw),
          do: Enum.map_join(Enum.drop(args, -1) ++ [:__kw__], ", ", fn
            :__kw__ -> pairs_text(kw)
            a -> text(a)
          end),
          else: Enum.map_join(args, ", ", &text/1)

      _ ->
        Enum.map_join(args, ", ", &text/1)
    end
  end

  defp pairs_text(pairs) do
    Enum.map_join(pairs, ", ", fn
      {k, v} when is_atom(k) -> String.trim_leading(inspect(k), ":") <> ": " <> text(v)
      {k, v} -> text(k) <> " => " <> text(v)
    end)
  end

  defp operand({op, _, [_, _]} = x, p) when is_atom(op) do
    case precedence(op) do
      q when is_integer(q) and q < p -> "(" <> text(x) <> ")"
      _ -> text(x)
    end
  end

  defp operand(x, _), do: text(x)

  defp precedence(op) do
    table = [
      {:when, 10}, {:"::", 25}, {:|, 30}, {:=, 50}, {:||, 60}, {:or, 60}, {:&&, 70}, {:and, 70},
      {:==, 80}, {:!=, 80}, {:=~, 80}, {:===, 80}, {:!==, 80}, {:<, 90}, {:>, 90}, {:<=, 90},
      {:>=, 90}, {:|>, 100}, {:in, 110}, {:++, 120}, {:--, 120}, {:.., 120}, {:<>, 120},
      {:+, 130}, {:-, 130}, {:*, 140}, {:/, 140}, {:**, 150}
    ]

    case List.keyfind(table, op, 0) do
      {_, p} -> p
      nil -> nil
    end
  end
end
