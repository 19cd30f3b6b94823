# Prints each line of a file as an s-expression of its syntax tree, read by real Elixir
# (Code.string_to_quoted!/1), in the form tests/parser.rs prints the console's parser's tree:
#   elixir scripts/parser-sexpr.exs tests/fixtures/parser/cases.txt > tests/fixtures/parser/cases.out
defmodule Sexpr do
  @blocks [:do, :else, :after, :rescue, :catch]
  @ops ~w(+ - * / ** = == != === !== < > <= >= && || and or not ! in |> ++ -- <> .. ^ when :: <- \\\\ |)a

  def s(ast)
  def s({:__block__, _, [x]}), do: s(x)
  def s({:__block__, _, xs}), do: "(__block__ " <> join(xs) <> ")"
  def s({:__MODULE__, _, ctx}) when is_atom(ctx), do: "__MODULE__"
  def s({:__aliases__, _, parts}), do: Enum.map_join(parts, ".", &to_string/1)
  def s({:@, _, [{name, _, ctx}]}) when is_atom(ctx), do: "@#{name}"
  def s({:&, _, [n]}) when is_integer(n), do: "(& #{n})"
  def s({:&, _, [x]}), do: "(& " <> s(x) <> ")"
  def s({:"..//", _, [a, b, c]}), do: "(.. #{s(a)} #{s(b)} #{s(c)})"
  def s({:|>, _, [a, {f, m, args}]}), do: s({f, m, [a | args || []]})
  def s({:fn, _, clauses}), do: "(fn " <> Enum.map_join(clauses, " ", &clause/1) <> ")"
  def s({:%{}, _, [{:|, _, [m, kv]}]}), do: "(%{|} #{s(m)} " <> Enum.map_join(kv, " ", &pair/1) <> ")"
  def s({:%{}, _, kv}), do: "(%{} " <> Enum.map_join(kv, " ", &pair/1) <> ")"
  def s({:{}, _, xs}), do: "{" <> join(xs) <> "}"
  def s({:<<>>, _, xs}), do: "(<<>> " <> join(xs) <> ")"
  def s({a, b}), do: "{" <> join([a, b]) <> "}"
  def s({{:., _, [Access, :get]}, _, [t, k]}), do: "([] #{s(t)} #{s(k)})"
  def s({{:., _, [f]}, _, args}), do: "(.() " <> join([f | args]) <> ")"
  def s({{:., _, [m, name]}, _, args}), do: "(. " <> join([m]) <> " #{name}" <> rest(args) <> ")"
  def s({op, _, [a]}) when op in @ops, do: "(#{op} #{s(a)})"
  def s({op, _, [a, b]}) when op in @ops, do: "(#{op} #{s(a)} #{s(b)})"
  def s({name, _, ctx}) when is_atom(name) and is_atom(ctx), do: to_string(name)
  def s({name, _, args}) when is_atom(name) and is_list(args) do
    {args, blocks} = split_blocks(args)
    "(#{name}" <> rest(args) <> blocks <> ")"
  end
  def s(list) when is_list(list) do
    case Enum.split(list, -1) do
      {init, [{:|, _, [a, t]}]} -> "[" <> join(init ++ [a]) <> " | " <> s(t) <> "]"
      _ -> "[" <> join(list) <> "]"
    end
  end
  def s(x), do: inspect(x)

  defp rest([]), do: ""
  defp rest(args), do: " " <> join(args)
  defp join(xs), do: Enum.map_join(xs, " ", &s/1)
  defp pair({k, v}), do: s(k) <> " " <> s(v)

  defp split_blocks(args) do
    case List.last(args) do
      [{k, _} | _] = kw when k in @blocks ->
        if Enum.all?(kw, fn {k, _} -> k in @blocks end) do
          {Enum.drop(args, -1), Enum.map_join(kw, "", fn {k, v} -> " (#{k} " <> body(v) <> ")" end)}
        else
          {args, ""}
        end
      _ -> {args, ""}
    end
  end

  defp body([{:->, _, _} | _] = clauses), do: Enum.map_join(clauses, " ", &clause/1)
  defp body(x), do: s(x)

  defp clause({:->, _, [[{:when, _, args_and_guard}], body]}) do
    {args, [guard]} = Enum.split(args_and_guard, -1)
    "(-> (" <> join(args) <> ") when " <> s(guard) <> " " <> s(body) <> ")"
  end
  defp clause({:->, _, [args, body]}), do: "(-> (" <> join(args) <> ") " <> s(body) <> ")"
end

[file] = System.argv()
for line <- File.read!(file) |> String.split("\n", trim: true) do
  IO.puts(Sexpr.s(Code.string_to_quoted!(line)))
end
