# The Inspect protocol, written in the Elixir the console speaks: the native printer prints
# every value, and calls a user's implementation (`defimpl Inspect, for: User`) for the
# structs that have one, wherever they are in the value. Inspect.Algebra here builds
# plain strings (the console lays out the rest). Written for this project from the
# documented protocol.

defprotocol Inspect do
  @moduledoc "How iex and inspect/2 print a value. `defimpl Inspect, for: MyStruct do def inspect(s, opts), do: \"#MyStruct<...>\" end` changes how your struct prints, wherever it appears; Inspect.Algebra's concat/1, to_doc/2 and friends help build the text."
  @fallback_to_any true
  def inspect(term, opts)
end

defimpl Inspect, for: [Any, Atom, BitString, Integer, Float, List, Map, Tuple, Function, PID, Reference] do
  def inspect(term, _opts), do: :redfour_protocol.inspect_native(term)
end

defmodule Inspect.Opts do
  @moduledoc "The options inspect/2 takes, as a struct given to Inspect implementations."
  defstruct base: :decimal, binaries: :infer, charlists: :infer, custom_options: [], inspect_fun: nil, limit: 50, pretty: false, printable_limit: 4096, safe: true, structs: true, syntax_colors: [], width: 80
end

defmodule Inspect.Algebra do
  @moduledoc "Documents for Inspect implementations. In this console a document is its text: concat/1 joins, to_doc/2 inspects, glue/2 puts a space, group/1 and nest/2 leave it as it is."
  def empty(), do: ""
  def string(string), do: string
  def concat(docs) when is_list(docs), do: IO.iodata_to_binary(docs)
  def concat(left, right), do: IO.iodata_to_binary([left, right])
  def to_doc(term, _opts), do: Kernel.inspect(term)
  def glue(left, right), do: concat([left, " ", right])
  def glue(left, separator, right), do: concat([left, separator, right])
  def space(left, right), do: concat([left, " ", right])
  def line(), do: "\n"
  def line(left, right), do: concat([left, "\n", right])
  def break(string \\ " "), do: string
  def nest(doc, _level), do: doc
  def nest(doc, _level, _mode), do: doc
  def group(doc), do: doc
  def group(doc, _mode), do: doc
  def color(doc, _key, _opts), do: doc
  def format(doc, _width), do: doc

  def container_doc(left, items, right, opts, fun, _options \\ []),
    do: concat([left, Enum.map_join(items, ", ", fn item -> fun.(item, opts) end), right])
end
