# Regex: regular expressions, written in the Elixir the console speaks over the console's
# matcher (`:redfour_re`, as Elixir's Regex stands on Erlang's `:re`). Written for this
# project from the documented behaviour.

defmodule Regex.CompileError do
  defexception message: "regex could not be compiled"
end

defmodule Regex do
  @moduledoc "Regular expressions: ~r/pattern/modifiers (i m s x u U f), run/3, scan/3, match?/2, replace/4, split/3, named_captures/3, compile/2, escape/1. PCRE's syntax, matched by this console's own engine: positions are byte offsets as in Elixir; a pattern that backtracks without end stops with an error instead of freezing the page. (Written in Elixir in this console's prelude.)"
  defstruct re_pattern: :redfour, source: "", opts: "", re_version: "redfour"

  def compile(source, opts \\ "") when is_binary(source) do
    case :redfour_re.compile(source, opts) do
      :ok -> {:ok, %Regex{source: source, opts: opts}}
      error -> error
    end
  end

  def compile!(source, opts \\ "") when is_binary(source) do
    case compile(source, opts) do
      {:ok, regex} -> regex
      {:error, {:invalid_option, option}} -> raise Regex.CompileError, "invalid option #{inspect(option)}"
      {:error, {message, at}} -> raise Regex.CompileError, "#{message} at position #{at}"
    end
  end

  def recompile(%Regex{} = regex), do: {:ok, regex}
  def recompile!(%Regex{} = regex), do: regex
  def source(%Regex{source: source}), do: source
  def opts(%Regex{opts: opts}), do: opts
  def re_pattern(%Regex{re_pattern: pattern}), do: pattern
  def version(), do: {"redfour", :little}
  def escape(string) when is_binary(string), do: :redfour_re.escape(string)
  def names(%Regex{source: source, opts: opts}), do: :redfour_re.names(source, opts)

  def match?(%Regex{source: source, opts: opts}, string) when is_binary(string),
    do: :redfour_re.run(source, opts, string, 0) != nil

  def run(regex, string, options \\ [])

  def run(%Regex{source: source, opts: opts} = regex, string, options) when is_binary(string) do
    case :redfour_re.run(source, opts, string, Keyword.get(options, :offset, 0)) do
      nil -> nil
      spans -> pick(regex, string, spans, Keyword.get(options, :capture, :all), Keyword.get(options, :return, :binary))
    end
  end

  def named_captures(regex, string, options \\ []) do
    names = names(regex)

    case run(regex, string, Keyword.merge(options, capture: names)) do
      nil -> nil
      values -> Map.new(Enum.zip(names, values))
    end
  end

  def scan(regex, string, options \\ []) when is_binary(string) do
    capture = Keyword.get(options, :capture, :all)
    return = Keyword.get(options, :return, :binary)

    regex
    |> matches(string, Keyword.get(options, :offset, 0))
    |> Enum.map(fn spans -> pick(regex, string, spans, capture, return) end)
  end

  # The matches of a global search, one after the other, as PCRE's: after an empty match,
  # a match that is not empty at the same place, or the search goes on from the next
  # character. (A stream, gathered natively: building a long list here with [x | acc]
  # would copy it at each match.)
  defp matches(%Regex{source: source, opts: opts}, string, offset) do
    Stream.unfold({offset, false}, fn state -> next_match(source, opts, string, state) end)
  end

  defp next_match(source, opts, string, {at, retry}) do
    cond do
      at > byte_size(string) ->
        nil

      retry ->
        case :redfour_re.run(source, opts, string, at, :nonempty_here) do
          [{s, l} | _] = spans -> {spans, {s + l, false}}
          nil -> next_match(source, opts, string, {next_char(string, at), false})
        end

      true ->
        case :redfour_re.run(source, opts, string, at) do
          nil -> nil
          [{s, 0} | _] = spans -> {spans, {s, true}}
          [{s, l} | _] = spans -> {spans, {s + l, false}}
        end
    end
  end

  def replace(%Regex{} = regex, string, replacement, options \\ []) when is_binary(string) do
    found = matches(regex, string, 0)
    found = if Keyword.get(options, :global, true), do: found, else: Stream.take(found, 1)

    {pieces, last} =
      Enum.map_reduce(found, 0, fn [{s, l} | _] = spans, last ->
        {[binary_part(string, last, s - last), expand(replacement, string, spans)], s + l}
      end)

    IO.iodata_to_binary([pieces, binary_part(string, last, byte_size(string) - last)])
  end

  defp next_char(string, at) do
    case String.next_codepoint(binary_part(string, at, byte_size(string) - at)) do
      {char, _} -> at + byte_size(char)
      nil -> at + 1
    end
  end

  defp group(string, spans, n) do
    case Enum.at(spans, n) do
      {start, length} when start >= 0 -> binary_part(string, start, length)
      _ -> ""
    end
  end

  defp expand(fun, string, spans) when is_function(fun) do
    arity = Enum.find(1..10, fn n -> is_function(fun, n) end)
    args = for n <- 0..(arity - 1), do: group(string, spans, n)
    apply(fun, args)
  end

  defp expand(text, string, spans), do: expand_text(text, string, spans, [])

  defp expand_text("", _string, _spans, acc), do: Enum.reverse(acc)

  defp expand_text(<<"\\g{", rest::binary>>, string, spans, acc) do
    [digits, rest] = :binary.split(rest, "}")
    expand_text(rest, string, spans, [group(string, spans, String.to_integer(digits)) | acc])
  end

  defp expand_text(<<"\\", d, rest::binary>>, string, spans, acc) when d in ?0..?9,
    do: expand_text(rest, string, spans, [group(string, spans, d - ?0) | acc])

  defp expand_text(<<"\\\\", rest::binary>>, string, spans, acc),
    do: expand_text(rest, string, spans, ["\\" | acc])

  defp expand_text(<<c, rest::binary>>, string, spans, acc),
    do: expand_text(rest, string, spans, [<<c>> | acc])

  def split(regex, string, options \\ [])

  def split(%Regex{}, "", options), do: if(Keyword.get(options, :trim, false), do: [], else: [""])

  def split(%Regex{} = regex, string, options) when is_binary(string) do
    on = Keyword.get(options, :on, :first)
    include = Keyword.get(options, :include_captures, false)

    cuts =
      regex
      |> matches(string, 0)
      |> Stream.flat_map(fn spans -> pick(regex, string, spans, on, :index) end)
      |> Stream.filter(fn {start, _} -> start >= 0 end)

    cuts =
      case Keyword.get(options, :parts, :infinity) do
        :infinity -> cuts
        n when is_integer(n) and n > 0 -> Stream.take(cuts, n - 1)
      end

    {pieces, last} =
      Enum.map_reduce(cuts, 0, fn
        {s, l}, last when s >= last ->
          piece = binary_part(string, last, s - last)
          {if(include, do: [piece, binary_part(string, s, l)], else: [piece]), s + l}

        _, last ->
          {[], last}
      end)

    pieces = List.flatten([pieces, binary_part(string, last, byte_size(string) - last)])
    if Keyword.get(options, :trim, false), do: Enum.reject(pieces, &(&1 == "")), else: pieces
  end

  # the spans a `capture:` option asks for, as binaries or as {start, length}
  defp pick(regex, string, spans, capture, return) do
    chosen =
      case capture do
        :all -> trim_unset(spans)
        :first -> [hd(spans)]
        :all_but_first -> trim_unset(tl(spans))
        :none -> []
        :all_names -> Enum.map(:redfour_re.groups(regex.source, regex.opts), fn {_, g} -> Enum.at(spans, g) end)
        list when is_list(list) -> Enum.map(list, fn item -> Enum.at(spans, group_number(regex, item)) || {-1, 0} end)
      end

    Enum.map(chosen, fn
      span when return == :index -> span
      {start, length} when start >= 0 -> binary_part(string, start, length)
      _ -> ""
    end)
  end

  # PCRE reports groups up to the last one that took part in the match
  defp trim_unset(spans) do
    spans |> Enum.reverse() |> Enum.drop_while(fn {start, _} -> start < 0 end) |> Enum.reverse()
  end

  defp group_number(_regex, n) when is_integer(n), do: n

  defp group_number(regex, name) do
    name = to_string(name)

    case Enum.find(:redfour_re.groups(regex.source, regex.opts), fn {n, _} -> n == name end) do
      {_, g} -> g
      nil -> -1
    end
  end
end
