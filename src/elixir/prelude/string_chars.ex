# The String.Chars protocol (to_string/1 and interpolation), written in the Elixir the
# console speaks. The native to_string/1 converts the built-in types itself and calls an
# implementation written in Elixir for anything else (`defimpl String.Chars, for: User`).
# Written for this project from the documented protocol.

defprotocol String.Chars do
  @moduledoc "Converts a value to a string: to_string/1 and string interpolation call it. Atoms, strings, numbers and charlists have it; `defimpl String.Chars, for: MyStruct do def to_string(s), do: ... end` gives your struct one."
  def to_string(term)
end

defimpl String.Chars, for: [Atom, BitString, Integer, Float, List] do
  def to_string(term), do: Kernel.to_string(term)
end
