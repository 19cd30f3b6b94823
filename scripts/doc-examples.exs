# The standard library's own documentation examples, with real Elixir's answers, as fixtures
# for tests/doctests.rs:
#
#     elixir scripts/doc-examples.exs tests/fixtures/docs
#
# For each module below, every `iex>` example of every function's doc (read with
# `Code.fetch_docs/1`; `...>` lines continue it) is evaluated here, in real Elixir, with the
# bindings of the examples before it in the same doc entry (as a doctest shares them); what
# iex would print for it is kept: output printed by the example, then the value as iex
# inspects it, or `** (Error) message` for an exception. One JSON object a doc entry, a line
# each, in `<dir>/<Module>.jsonl`. Examples whose code depends on the machine or the run
# (pids, references, random numbers, the clock) are left out and listed in
# `<dir>/excluded.txt` with the reason; an example whose answer does (`f = fn … end` prints
# a `#Function<…>`) is kept unchecked (`"check": "no"`), for the lines after it.

defmodule DocExamples do
  @modules [
    Kernel,
    Enum,
    Stream,
    Map,
    MapSet,
    Keyword,
    List,
    String,
    Integer,
    Float,
    Tuple,
    Range,
    Atom,
    Access,
    Function,
    Bitwise,
    Regex,
    Base
  ]

  def main([dir]) do
    File.mkdir_p!(dir)

    excluded =
      for mod <- @modules, reduce: [] do
        acc ->
          {entries, skipped} = module(mod)

          File.write!(
            Path.join(dir, "#{inspect(mod)}.jsonl"),
            Enum.map(entries, &[json(&1), "\n"])
          )

          IO.puts(
            "#{inspect(mod)}: #{length(entries)} entries, #{Enum.sum(Enum.map(entries, &length(&1.lines)))} lines"
          )

          acc ++ skipped
      end

    File.write!(Path.join(dir, "excluded.txt"), Enum.map(excluded, &[&1, "\n"]))
  end

  def main(_), do: IO.puts("usage: elixir scripts/doc-examples.exs DIR")

  defp module(mod) do
    {:docs_v1, _, :elixir, _, moduledoc, _, docs} = Code.fetch_docs(mod)

    top =
      case moduledoc do
        %{"en" => text} -> [{{:function, :"(module doc)", 0}, nil, nil, %{"en" => text}, nil}]
        _ -> []
      end

    docs = top ++ Enum.sort_by(docs, fn {{_, name, arity}, _, _, _, _} -> {name, arity} end)

    docs
    |> Enum.filter(fn {{kind, _, _}, _, _, doc, _} ->
      kind in [:function, :macro] and is_map(doc)
    end)
    |> Enum.reduce({[], []}, fn {{_, name, arity}, _, _, %{"en" => text}, _},
                                {entries, skipped} ->
      fun =
        if name == :"(module doc)",
          do: "#{inspect(mod)} (module doc)",
          else: "#{inspect(mod)}.#{name}/#{arity}"

      {lines, skips} = run(setup(mod) ++ examples(text), fun)
      entries = if lines == [], do: entries, else: entries ++ [%{fun: fun, lines: lines}]
      {entries, skipped ++ skips}
    end)
  end

  # What the module's docs take for granted (its module doc says so first), typed before
  # each entry's examples, unchecked.
  defp setup(Bitwise), do: ["import Bitwise"]
  defp setup(Integer), do: ["require Integer"]
  defp setup(_), do: []

  # The examples of a doc: each `iex>` line and the `...>` lines after it.
  defp examples(text) do
    text
    |> String.split("\n")
    |> Enum.map(&String.trim/1)
    |> Enum.reduce([], fn
      "iex> " <> code, acc -> [code | acc]
      "iex>" <> "", acc -> acc
      "...> " <> more, [code | acc] -> [code <> "\n" <> more | acc]
      "...>" <> "", [code | acc] -> [code <> "\n" | acc]
      _, acc -> acc
    end)
    |> Enum.reverse()
    # a line that is only a comment (`iex> # Equivalent to:`) is not an example
    |> Enum.reject(fn code ->
      code |> String.split("\n") |> Enum.all?(&(String.trim(&1) == "" or String.starts_with?(String.trim(&1), "#")))
    end)
  end

  # Code whose answer is the machine's or the run's (random numbers, the clock, files): left out.
  @unstable ~r/random|shuffle|System\.|:rand|:os\.|DateTime|NaiveDateTime|Date\.|Time\.|make_ref|node\(|:erlang\.now|monotonic|unique_integer|File\.|Path\.|IO\.gets/
  # Code or answers naming processes, references or closures: the console has its own, so the
  # line runs (the lines after it may use its bindings or its messages) but is not compared.
  @process ~r/#PID<|#Reference<|#Port<|#Function<|self\(\)|spawn|Process\.|Task\.|Agent\.|GenServer\.|send\(/

  defp run(codes, fun) do
    {lines, skips, _, _} =
      Enum.reduce(codes, {[], [], [], ""}, fn code, {lines, skips, binding, prefix} ->
        {answer, binding} = answer(prefix <> code, binding)
        # an import or require holds for the lines after it (`eval_string` forgets it)
        if String.starts_with?(code, ["import ", "require "]) do
          {lines ++ [%{input: code, expect: answer, check: "no"}], skips, binding,
           prefix <> code <> "\n"}
        else
          {lines, skips} = keep(lines, skips, fun, code, answer)
          {lines, skips, binding, prefix}
        end
      end)

    {lines, skips}
  end

  defp keep(lines, skips, fun, code, answer) do
    cond do
      Regex.match?(@unstable, code) ->
        {lines,
         skips ++
           ["#{fun}\t#{String.replace(code, "\n", " ")}\tdepends on the machine or the run"]}

      # `f = fn … end`: its answer is a `#Function<…>` whose numbers are the run's; the
      # lines after it use it, so it runs, unchecked
      Regex.match?(@process, code) or Regex.match?(@unstable, answer) or
          Regex.match?(@process, answer) ->
        {lines ++ [%{input: code, expect: answer, check: "no"}], skips}

      true ->
        {lines ++ [%{input: code, expect: answer, check: "yes"}], skips}
    end
  end

  defp answer(code, binding) do
    {:ok, dev} = StringIO.open("")
    old = Process.group_leader()
    Process.group_leader(self(), dev)

    result =
      try do
        {value, binding} = Code.eval_string(code, binding, env())
        {:ok, value, binding}
      rescue
        e -> {:error, "** (#{inspect(e.__struct__)}) #{Exception.message(e)}"}
      catch
        :throw, v -> {:error, "** (throw) #{inspect(v)}"}
        :exit, v -> {:error, "** (exit) #{inspect(v)}"}
      end

    Process.group_leader(self(), old)
    {_, printed} = StringIO.contents(dev)
    StringIO.close(dev)

    case result do
      {:ok, value, binding} -> {printed <> inspect(value, pretty: true, width: 80), binding}
      {:error, text} -> {printed <> text, binding}
    end
  end

  defp env do
    # what iex's prompt has: Kernel imported, and the `require`s the docs use
    {env, _} = Code.eval_string("require Integer; require Bitwise; __ENV__")
    env
  end

  # Just enough JSON: maps with atom keys, lists and strings.
  defp json(m) when is_map(m),
    do: [
      "{",
      Enum.map_intersperse(m, ",", fn {k, v} -> [json(to_string(k)), ":", json(v)] end),
      "}"
    ]

  defp json(l) when is_list(l), do: ["[", Enum.map_intersperse(l, ",", &json/1), "]"]

  defp json(s) when is_binary(s) do
    escaped =
      for <<c::utf8 <- s>>, into: "" do
        case c do
          ?" -> "\\\""
          ?\\ -> "\\\\"
          ?\n -> "\\n"
          ?\t -> "\\t"
          c when c < 0x20 -> "\\u" <> String.pad_leading(Integer.to_string(c, 16), 4, "0")
          c -> <<c::utf8>>
        end
      end

    ["\"", escaped, "\""]
  end
end

DocExamples.main(System.argv())
